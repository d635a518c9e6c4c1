import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { onReconnected } from '../../api/client';
import { timeOf, useI18n } from '../../i18n';
import { DayTimesDocument, SlotChangedDocument } from './documents';
import { slotText, WORKING_TIME_SETTLE_MS, type ChosenSlot } from './SlotTable';

/**
 * The day as a time picker: one row per start, bookable while some receptionist is free
 * (`bookSlot` without receptionistId then picks one). Any slot change re-reads the times.
 */
export function AnyTimePicker({ date, onChoose }: { date: string; onChoose: (slot: ChosenSlot) => void }) {
  const { t } = useI18n();
  const [result, reexecute] = useQuery({ query: DayTimesDocument, variables: { date } });
  const [live] = useSubscription({ query: SlotChangedDocument, variables: { date } });
  useEffect(() => onReconnected(() => reexecute({ requestPolicy: 'network-only' })), [reexecute]);
  const event = live.data ?? null;
  useEffect(() => {
    if (!event) return;
    const timer = setTimeout(() => reexecute({ requestPolicy: 'network-only' }), WORKING_TIME_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [event, reexecute]);

  const times = result.data?.availability.times;
  if (!times) return <p aria-busy="true">{t('common.loading')}</p>;
  const anyone = t('booking.any.name');
  return (
    <ul className="times" aria-label={t('booking.any.label')}>
      {times.map((slot) => {
        const time = timeOf(slot.startsAt);
        const text = slot.bookable
          ? t('booking.any.free', { count: slot.freeReceptionists })
          : slotText(t, slot.closedReason ? 'CLOSED' : 'BOOKED', slot.closedReason);
        return (
          <li key={slot.id}>
            {slot.bookable ? (
              <button
                type="button"
                className="slot slot--free"
                aria-label={t('booking.any.take', { time, count: slot.freeReceptionists })}
                onClick={() => onChoose({ receptionistId: '', receptionistName: anyone, startsAt: slot.startsAt })}
              >
                <strong>{time}</strong> {text}
              </button>
            ) : (
              <span className={`slot slot--${slot.closedReason ? 'closed' : 'booked'}`}>
                <strong>{time}</strong> {text}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

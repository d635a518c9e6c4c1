import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { onReconnected } from '../../api/client';
import { useI18n, timeOf, type Key, type Translate } from '../../i18n';
import type { ClosedReason, SlotState } from '../../gql/graphql';
import { DayBoardDocument, SlotChangedDocument } from './documents';

export interface ChosenSlot {
  /** '' for any receptionist (bookSlot picks one who is free). */
  receptionistId: string;
  receptionistName: string;
  startsAt: string;
}

const STATE_TEXT: Record<SlotState, Key> = {
  FREE: 'slot.FREE',
  BOOKED: 'slot.BOOKED',
  CANCELLED: 'slot.CANCELLED',
  PAST: 'slot.PAST',
  CLOSED: 'slot.CLOSED',
};

const REASON_TEXT: Record<ClosedReason, Key> = {
  OFF_DUTY: 'slot.reason.OFF_DUTY',
  BREAK: 'slot.reason.BREAK',
  SHOP_CLOSED: 'slot.reason.SHOP_CLOSED',
  PAST: 'slot.reason.PAST',
  BEYOND_WINDOW: 'slot.reason.BEYOND_WINDOW',
};

/** A cell's words: its state, or for a CLOSED one why (a break, off duty, shop closed…). */
export function slotText(t: Translate, state: SlotState, closedReason: ClosedReason | null | undefined): string {
  if (state === 'CLOSED' && closedReason) return t(REASON_TEXT[closedReason]);
  return t(STATE_TEXT[state]);
}

/** How long a burst of working-time events settles before the day is re-read once. */
export const WORKING_TIME_SETTLE_MS = 300;

/** Re-reads the day: after a refused booking, and after the websocket came back. */
export function useDayBoard(date: string) {
  const [result, reexecute] = useQuery({ query: DayBoardDocument, variables: { date } });
  // Live: every change to the day's slots lands in the normalised cache, and the table
  // re-renders from it.
  const [live] = useSubscription({ query: SlotChangedDocument, variables: { date } });
  useEffect(() => onReconnected(() => reexecute({ requestPolicy: 'network-only' })), [reexecute]);
  // Staff changed someone's working time: the cells came with the events, but the columns
  // (who works that day) may have changed too, so the day is re-read once the burst settles.
  const workingTimeChanged = live.data?.slotChanged.change === 'WORKING_TIME_CHANGED' ? live.data : null;
  useEffect(() => {
    if (!workingTimeChanged) return;
    const timer = setTimeout(() => reexecute({ requestPolicy: 'network-only' }), WORKING_TIME_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [workingTimeChanged, reexecute]);
  return { board: result.data?.availability, fetching: result.fetching, error: result.error, reread: () => reexecute({ requestPolicy: 'network-only' }) };
}

/**
 * One column per receptionist, one row per slot start. Every cell shows its state in
 * words and colour; a bookable one is a button.
 */
export function SlotTable({ date, onChoose }: { date: string; onChoose: (slot: ChosenSlot) => void }) {
  const { t } = useI18n();
  const { board } = useDayBoard(date);
  if (!board) return <p aria-busy="true">{t('common.loading')}</p>;
  const names = new Map(board.receptionists.map((r) => [r.id, r.fullName]));
  const cells = new Map(board.slots.map((s) => [`${s.receptionist.id}@${timeOf(s.startsAt)}`, s]));
  const times = [...new Set(board.slots.map((s) => timeOf(s.startsAt)))].sort();
  if (board.receptionists.length === 0) return <p>{t('board.noReceptionists')}</p>;

  return (
    <div className="board" role="region" aria-label={t('board.label')} tabIndex={0}>
      <table className="slots">
        <caption className="sr-only">{t('board.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('board.time')}</th>
            {board.receptionists.map((r) => (
              <th key={r.id} scope="col">
                {r.fullName}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {times.map((time) => (
            <tr key={time}>
              <th scope="row">{time}</th>
              {board.receptionists.map((r) => {
                const slot = cells.get(`${r.id}@${time}`);
                if (!slot) return <td key={r.id} />;
                // A cancelled booking of one's own frees the slot: only a held one is "yours".
                const own = Boolean(slot.booking) && slot.state === 'BOOKED';
                const text = own ? t('slot.OWN') : slotText(t, slot.state, slot.closedReason);
                const className = `slot slot--${own ? 'own' : slot.state.toLowerCase()}`;
                const name = names.get(r.id) ?? '';
                return (
                  <td key={r.id}>
                    {slot.bookable ? (
                      <button
                        type="button"
                        className={className}
                        aria-label={t('slot.take', { time, name, state: text })}
                        onClick={() => onChoose({ receptionistId: r.id, receptionistName: name, startsAt: slot.startsAt })}
                      >
                        {text}
                      </button>
                    ) : (
                      <span className={className} aria-label={`${time}, ${name}: ${text}`} role="img">
                        {text}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

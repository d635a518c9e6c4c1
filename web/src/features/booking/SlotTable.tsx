import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { onReconnected } from '../../api/client';
import { useI18n, timeOf, type Key } from '../../i18n';
import type { SlotState } from '../../gql/graphql';
import { DayBoardDocument, SlotChangedDocument } from './documents';

export interface ChosenSlot {
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

/** Re-reads the day: after a refused booking, and after the websocket came back. */
export function useDayBoard(date: string) {
  const [result, reexecute] = useQuery({ query: DayBoardDocument, variables: { date } });
  // Live: every change to the day's slots lands in the normalised cache, and the table
  // re-renders from it.
  useSubscription({ query: SlotChangedDocument, variables: { date } });
  useEffect(() => onReconnected(() => reexecute({ requestPolicy: 'network-only' })), [reexecute]);
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
                const text = own ? t('slot.OWN') : t(STATE_TEXT[slot.state]);
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

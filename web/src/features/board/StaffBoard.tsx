import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { onReconnected } from '../../api/client';
import { timeOf, useI18n } from '../../i18n';
import type { SlotState, StaffSlotFragment } from '../../gql/graphql';
import { slotText, WORKING_TIME_SETTLE_MS, type ChosenSlot } from '../booking/SlotTable';
import { StaffDayDocument, StaffSlotChangedDocument } from './documents';

export type StaffBooking = NonNullable<StaffSlotFragment['booking']>;

export interface BoardCell extends ChosenSlot {
  booking: StaffBooking | null;
  state: SlotState;
  bookable: boolean;
}

const FLASH_MS = 2500;

export function clientName(client: { lastName: string; firstName: string }): string {
  return `${client.lastName} ${client.firstName}`;
}

/**
 * The day for staff: the board with every booking's details, live from the websocket
 * (changed cells flash for a moment), re-read after the websocket came back.
 */
export function useStaffDay(date: string) {
  const client = useClient();
  const [result, reexecute] = useQuery({ query: StaffDayDocument, variables: { date } });
  const [reconnected, setReconnected] = useState<{ date: string; at: Date } | null>(null);
  const [flashes, setFlashes] = useState<ReadonlySet<string>>(new Set());
  // The subscription below lives as long as the day: it re-reads through a ref, not a dependency.
  const reexecuteRef = useRef(reexecute);
  useEffect(() => {
    reexecuteRef.current = reexecute;
  }, [reexecute]);
  useEffect(
    () =>
      onReconnected(() => {
        reexecute({ requestPolicy: 'network-only' });
        setReconnected({ date, at: new Date() });
      }),
    [reexecute, date],
  );
  // Every event lands in the normalised cache (the table re-renders from it); the changed
  // cell is also marked for a moment so the eye finds it.
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    let settle: ReturnType<typeof setTimeout> | undefined;
    const subscription = client.subscription(StaffSlotChangedDocument, { date }).subscribe((event) => {
      const slot = event.data?.slotChanged.slot;
      if (!slot) return;
      // A working-time change may add or remove a column: re-read the day once the burst
      // of events (one per slot of that receptionist) settles.
      if (event.data?.slotChanged.change === 'WORKING_TIME_CHANGED') {
        clearTimeout(settle);
        settle = setTimeout(() => reexecuteRef.current({ requestPolicy: 'network-only' }), WORKING_TIME_SETTLE_MS);
      }
      const key = `${slot.receptionist.id}@${slot.startsAt}`;
      setFlashes((old) => new Set(old).add(key));
      const timer = setTimeout(() => {
        timers.delete(timer);
        setFlashes((old) => {
          const next = new Set(old);
          next.delete(key);
          return next;
        });
      }, FLASH_MS);
      timers.add(timer);
    });
    return () => {
      subscription.unsubscribe();
      clearTimeout(settle);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [client, date]);
  return {
    board: result.data?.availability,
    error: result.error,
    flashes,
    reconnectedAt: reconnected?.date === date ? reconnected.at : null,
    reread: () => reexecute({ requestPolicy: 'network-only' }),
  };
}

export function StaffBoard({
  date,
  onFree,
  onBooked,
  moving,
}: {
  date: string;
  onFree: (cell: BoardCell) => void;
  onBooked: (cell: BoardCell) => void;
  moving: boolean;
}) {
  const { t } = useI18n();
  const { board, flashes, reconnectedAt } = useStaffDay(date);
  const rendered = useRef(false);

  // For bench/staff-board: when the table first stood on the screen with its data.
  useLayoutEffect(() => {
    if (board && !rendered.current) {
      rendered.current = true;
      // The frame after the commit: the table is laid out and painted by then.
      requestAnimationFrame(() => setTimeout(() => performance.mark('staff-board-rendered'), 0));
    }
  }, [board]);

  if (!board) return <p aria-busy="true">{t('common.loading')}</p>;
  if (board.receptionists.length === 0) return <p>{t('board.noReceptionists')}</p>;
  const cells = new Map(board.slots.map((s) => [`${s.receptionist.id}@${timeOf(s.startsAt)}`, s]));
  const times = [...new Set(board.slots.map((s) => timeOf(s.startsAt)))].sort();

  return (
    <>
      {reconnectedAt && (
        <div className="alert alert--info" role="status">
          {t('staff.board.reconnected', { time: reconnectedAt.toLocaleTimeString('ru-RU') })}
        </div>
      )}
      <div className="board board--staff" role="region" aria-label={t('board.label')} tabIndex={0}>
        <table className="slots slots--staff">
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
                  const booking = slot.booking?.status === 'ACTIVE' ? slot.booking : null;
                  const cell: BoardCell = {
                    receptionistId: r.id,
                    receptionistName: r.fullName,
                    startsAt: slot.startsAt,
                    booking,
                    state: slot.state,
                    bookable: slot.bookable,
                  };
                  const flash = flashes.has(`${r.id}@${slot.startsAt}`) ? ' slot--flash' : '';
                  const stateText = slotText(t, slot.state, slot.closedReason);
                  if (booking) {
                    // The cell's words are its name (no aria-label that could differ from them).
                    return (
                      <td key={r.id}>
                        <button
                          type="button"
                          className={`slot slot--detail slot--${slot.state === 'PAST' ? 'past' : 'booked'}${flash}`}
                          onClick={() => onBooked(cell)}
                          disabled={moving}
                        >
                          <span className="sr-only">{t('staff.board.cellAt', { time, name: r.fullName })} </span>
                          <span className="slot__client">{clientName(booking.client)}</span>
                          <span className="sr-only">, </span>
                          <span>
                            {booking.car.model.name}
                            <span className="sr-only">, </span>
                            <span aria-hidden="true"> · </span>
                            <span className="plate">{booking.car.plate}</span>
                          </span>
                          <span className="sr-only">, </span>
                          <span className="slot__repair">{booking.repairType.name}</span>
                          <span className="sr-only">. {t('staff.board.openBooking')}</span>
                        </button>
                      </td>
                    );
                  }
                  const className = `slot slot--${slot.state.toLowerCase()}${flash}`;
                  return (
                    <td key={r.id}>
                      {slot.bookable ? (
                        <button
                          type="button"
                          className={className}
                          aria-label={t(moving ? 'staff.board.moveHere' : 'staff.board.freeCell', { time, name: r.fullName, state: stateText })}
                          onClick={() => onFree(cell)}
                        >
                          {stateText}
                        </button>
                      ) : (
                        <span className={className} aria-label={`${time}, ${r.fullName}: ${stateText}`} role="img">
                          {stateText}
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
    </>
  );
}

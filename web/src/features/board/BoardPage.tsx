import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { navigate, useLocation } from '../../app/router';
import { dayOf, formatDay, timeOf, useI18n } from '../../i18n';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { addDays, todayIn } from '../booking/dates';
import { MonthCalendar, type CalendarDayInfo } from '../booking/MonthCalendar';
import { BookForClientDialog } from './BookForClientDialog';
import { BookingDetailsDialog, type MovingBooking } from './BookingDetailsDialog';
import { ClosedDayPanel } from './ClosedDayPanel';
import { StaffCalendarDocument, StaffDayDocument, StaffMoveDocument } from './documents';
import { StaffBoard, type BoardCell } from './StaffBoard';

const SHOP_TIME_ZONE = 'Europe/Moscow';
const DAYS_AHEAD = 90;

/** The page a manager keeps open: the month, the day's live board, and what to do with a slot. */
export default function BoardPage() {
  const { t, locale } = useI18n();
  const { query } = useLocation();
  const today = todayIn(SHOP_TIME_ZONE);
  const lastDay = addDays(today, DAYS_AHEAD);
  const selected = query.get('day') ?? today;
  const [calendar, rereadCalendar] = useQuery({ query: StaffCalendarDocument, variables: { from: today, to: lastDay } });
  const [, rereadDay] = useQuery({ query: StaffDayDocument, variables: { date: selected }, pause: true });
  const [free, setFree] = useState<BoardCell | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [moving, setMoving] = useState<MovingBooking | null>(null);
  const [notice, setNotice] = useState('');

  const days = useMemo(() => {
    const map = new Map<string, CalendarDayInfo>();
    for (const day of calendar.data?.closedDays ?? []) if (day.closed) map.set(day.date, { date: day.date, state: 'closed' });
    return map;
  }, [calendar.data]);
  const closedDay = calendar.data?.closedDays.find((d) => d.date === selected && d.closed);
  const reread = () => rereadDay({ requestPolicy: 'network-only' });

  return (
    <section className="staff-board">
      <h1>{t('staff.board.title')}</h1>
      <div className="booking">
        <div>
          <MonthCalendar
            days={days}
            selected={selected}
            onSelect={(date) => navigate(`/staff/board?day=${date}`)}
            firstDay={today}
            lastDay={lastDay}
            selectable={(day) => day.state === 'open' || day.state === 'closed'}
          />
          <ClosedDayPanel
            key={selected}
            date={selected}
            closed={Boolean(closedDay)}
            note={closedDay?.note ?? null}
            onChanged={() => {
              rereadCalendar({ requestPolicy: 'network-only' });
              reread();
            }}
          />
        </div>
        <div className="booking__day">
          <h2>{formatDay(selected, locale)}</h2>
          {notice && <Alert tone="success">{notice}</Alert>}
          {moving && (
            <div className="alert alert--info" role="status">
              <p>{t('staff.board.moving', { summary: moving.summary })}</p>
              <button type="button" className="button--secondary" onClick={() => setMoving(null)}>
                {t('staff.board.stopMoving')}
              </button>
            </div>
          )}
          <StaffBoard
            date={selected}
            moving={moving !== null}
            onFree={(cell) => {
              setNotice('');
              setFree(cell);
            }}
            onBooked={(cell) => {
              setNotice('');
              if (cell.booking) setOpen(cell.booking.id);
            }}
          />
        </div>
      </div>
      {free && !moving && (
        <BookForClientDialog
          slot={free}
          onClose={() => setFree(null)}
          onBooked={(text) => {
            setFree(null);
            setNotice(text);
          }}
          onRefused={reread}
        />
      )}
      {free && moving && (
        <MoveDialog
          slot={free}
          booking={moving}
          onClose={() => setFree(null)}
          onMoved={(text) => {
            setFree(null);
            setMoving(null);
            setNotice(text);
          }}
          onRefused={reread}
        />
      )}
      {open && (
        <BookingDetailsDialog
          bookingId={open}
          onClose={() => setOpen(null)}
          onCancelled={(text) => {
            setOpen(null);
            setNotice(text);
          }}
          onMove={(booking) => {
            setOpen(null);
            setMoving(booking);
          }}
        />
      )}
    </section>
  );
}

function MoveDialog({
  slot,
  booking,
  onClose,
  onMoved,
  onRefused,
}: {
  slot: BoardCell;
  booking: MovingBooking;
  onClose: () => void;
  onMoved: (text: string) => void;
  onRefused: () => void;
}) {
  const { t, locale } = useI18n();
  const [state, move] = useMutation(StaffMoveDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const when = `${formatDay(dayOf(slot.startsAt), locale)}, ${timeOf(slot.startsAt)}`;
  const confirm = async () => {
    const result = await move({ id: booking.id, receptionistId: slot.receptionistId, startsAt: slot.startsAt });
    if (result.data) {
      onMoved(t('staff.move.done', { summary: booking.summary, when, name: slot.receptionistName }));
      return;
    }
    setProblem(problemOf(result.error));
    onRefused();
  };
  return (
    <Dialog title={t('move.title')} onClose={onClose}>
      <p>{t('staff.move.confirm', { summary: booking.summary, when, name: slot.receptionistName })}</p>
      {problem && <Alert>{explain(problem, t)}</Alert>}
      <div className="actions">
        <button type="button" disabled={state.fetching || problem !== null} onClick={() => void confirm()}>
          {t('move.submit')}
        </button>
        <button type="button" className="button--secondary" onClick={onClose}>
          {problem ? t('common.close') : t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

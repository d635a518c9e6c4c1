import { useMemo, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { formatDay, formatMoney, timeOf, dayOf, useI18n } from '../../i18n';
import { Link, navigate, useLocation } from '../../app/router';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { BookingDialog, type Booked } from './BookingDialog';
import { addDays, todayIn } from './dates';
import { BookingCalendarDocument, DayBoardDocument, RescheduleDocument } from './documents';
import { MonthCalendar, type CalendarDayInfo } from './MonthCalendar';
import { SlotTable, type ChosenSlot } from './SlotTable';

// The first read's range, before the shop says its own (its defaults); the calendar then
// shows the shop's today and last bookable day.
const SHOP_TIME_ZONE = 'Europe/Moscow';
const BOOKING_WINDOW_DAYS = 60;

export default function BookingPage() {
  const { t, locale } = useI18n();
  const { query } = useLocation();
  const client = useClient();
  const today = todayIn(SHOP_TIME_ZONE);
  const lastDay = addDays(today, BOOKING_WINDOW_DAYS);
  const [{ data }] = useQuery({ query: BookingCalendarDocument, variables: { from: today, to: lastDay } });
  const [chosen, setChosen] = useState<ChosenSlot | null>(null);
  const [booked, setBooked] = useState<Booked | null>(null);
  const selected = query.get('day');
  const moving = query.get('move');
  // The day's board is asked for together with the calendar, not after it.
  useQuery({ query: DayBoardDocument, variables: { date: selected ?? today }, pause: !selected });

  const days = useMemo(() => {
    const map = new Map<string, CalendarDayInfo>();
    for (const day of data?.availabilityCalendar ?? []) {
      const state = day.open ? (day.freeSlots === 0 ? 'full' : 'open') : day.closedReason === 'PAST' ? 'past' : day.closedReason === 'BEYOND_WINDOW' ? 'beyond' : 'closed';
      map.set(day.date, { date: day.date, state, freeSlots: day.freeSlots });
    }
    return map;
  }, [data]);

  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const cars = data.me?.cars ?? [];
  if (cars.length === 0) {
    return (
      <section className="narrow">
        <h1>{t('booking.title')}</h1>
        <Alert tone="info">
          <p>{t('booking.needCar')}</p>
          <p>
            <Link className="button" href="/cars">
              {t('booking.addCar')}
            </Link>
          </p>
        </Alert>
      </section>
    );
  }
  const movingBooking = moving ? data.myBookings.find((b) => b.id === moving) : undefined;
  const sameDay = selected ? data.myBookings.find((b) => b.status === 'ACTIVE' && dayOf(b.startsAt) === selected && b.id !== moving) : undefined;
  const reread = (date: string) => void client.query(DayBoardDocument, { date }, { requestPolicy: 'network-only' }).toPromise();
  const select = (date: string) => {
    setBooked(null);
    navigate(`/booking?day=${date}${moving ? `&move=${moving}` : ''}`);
  };

  return (
    <section>
      <h1>{movingBooking ? t('booking.moveTitle') : t('booking.title')}</h1>
      {movingBooking && (
        <Alert tone="info">{t('booking.moving', { when: `${formatDay(dayOf(movingBooking.startsAt), locale)}, ${timeOf(movingBooking.startsAt)}` })}</Alert>
      )}
      <p>{t('booking.rule')}</p>
      <div className="booking">
        <MonthCalendar days={days} selected={selected} onSelect={select} firstDay={data.shop.today} lastDay={data.shop.lastBookableDay} />
        <div className="booking__day">
          {selected ? (
            <>
              <h2>{formatDay(selected, locale)}</h2>
              {sameDay && <Alert tone="info">{t('booking.alreadyThatDay', { time: timeOf(sameDay.startsAt) })}</Alert>}
              {booked && (
                <Alert tone="success">
                  {t('booking.booked', { when: `${formatDay(dayOf(booked.startsAt), locale)}, ${timeOf(booked.startsAt)}`, price: formatMoney(booked.price, locale) })}{' '}
                  <Link href="/my-bookings">{t('nav.myBookings')}</Link>
                </Alert>
              )}
              <SlotTable date={selected} onChoose={setChosen} />
            </>
          ) : (
            <p>{t('booking.pickDay')}</p>
          )}
        </div>
      </div>
      {chosen && !moving && (
        <BookingDialog
          slot={chosen}
          cars={cars}
          onClose={() => setChosen(null)}
          onBooked={(booking) => {
            setChosen(null);
            setBooked(booking);
            if (selected) reread(selected);
          }}
          onRefused={() => selected && reread(selected)}
        />
      )}
      {chosen && moving && <MoveDialog slot={chosen} bookingId={moving} onClose={() => setChosen(null)} onRefused={() => selected && reread(selected)} />}
    </section>
  );
}

function MoveDialog({ slot, bookingId, onClose, onRefused }: { slot: ChosenSlot; bookingId: string; onClose: () => void; onRefused: () => void }) {
  const { t, locale } = useI18n();
  const [state, reschedule] = useMutation(RescheduleDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const confirm = async () => {
    const result = await reschedule({ id: bookingId, receptionistId: slot.receptionistId, startsAt: slot.startsAt });
    if (result.data) {
      navigate('/my-bookings?moved=1');
      return;
    }
    setProblem(problemOf(result.error));
    onRefused();
  };
  return (
    <Dialog title={t('move.title')} onClose={onClose}>
      <p>{t('move.confirm', { when: `${formatDay(dayOf(slot.startsAt), locale)}, ${timeOf(slot.startsAt)}`, name: slot.receptionistName })}</p>
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

import { useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { graphql } from '../../gql';
import { problemOf } from '../../api/errors';
import { formatDay, formatMoney, timeOf, dayOf, useI18n } from '../../i18n';
import { Link, useLocation } from '../../app/router';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';

const MyBookingsDocument = graphql(`
  query MyBookings {
    myBookings(includePast: true) {
      id
      startsAt
      endsAt
      status
      price
      cancelReason
      receptionist {
        id
        fullName
      }
      car {
        id
        plate
        model {
          id
          name
        }
      }
      repairType {
        id
        name
      }
    }
  }
`);

// A cancellation or a move by the shop shows at once: the changed booking lands in the
// normalised cache (new status, time, advisor) and the lists re-render from it.
const MyBookingChangedDocument = graphql(`
  subscription MyBookingChanged {
    myBookingChanged {
      change
      at
      booking {
        id
        startsAt
        endsAt
        status
        cancelReason
        receptionist {
          id
          fullName
        }
      }
    }
  }
`);

const CancelBookingDocument = graphql(`
  mutation CancelBooking($id: ID!) {
    cancelBooking(id: $id) {
      id
      status
      cancelledAt
    }
  }
`);

type BookingRow = NonNullable<ReturnType<typeof useMyBookings>['data']>['myBookings'][number];

function useMyBookings() {
  const [result, reexecute] = useQuery({ query: MyBookingsDocument });
  useSubscription({ query: MyBookingChangedDocument }, (_previous, event) => {
    if (event.myBookingChanged.change === 'BOOKED') reexecute({ requestPolicy: 'network-only' });
    return event;
  });
  return { data: result.data, reexecute };
}

export default function MyBookingsPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const { data, reexecute } = useMyBookings();
  const [cancelling, setCancelling] = useState<BookingRow | null>(null);
  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const now = new Date().toISOString();
  const upcoming = data.myBookings.filter((b) => b.status === 'ACTIVE' && new Date(b.startsAt).toISOString() > now);
  const upcomingIds = new Set(upcoming.map((b) => b.id));
  const past = data.myBookings.filter((b) => !upcomingIds.has(b.id));
  upcoming.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));

  return (
    <section>
      <h1>{t('my.title')}</h1>
      {query.get('moved') && <Alert tone="success">{t('my.moved')}</Alert>}
      <h2>{t('my.upcoming')}</h2>
      {upcoming.length === 0 && (
        <p>
          {t('my.noneUpcoming')} <Link href="/booking">{t('home.book')}</Link>
        </p>
      )}
      <ul className="bookings">
        {upcoming.map((b) => (
          <BookingCard key={b.id} booking={b}>
            <div className="actions">
              <Link className="button button--secondary" href={`/booking?day=${dayOf(b.startsAt)}&move=${b.id}`} aria-label={t('my.moveNamed', { when: timeOf(b.startsAt) })}>
                {t('my.move')}
              </Link>
              <button type="button" className="button--danger" onClick={() => setCancelling(b)} aria-label={t('my.cancelNamed', { when: timeOf(b.startsAt) })}>
                {t('my.cancel')}
              </button>
            </div>
          </BookingCard>
        ))}
      </ul>
      <h2>{t('my.past')}</h2>
      {past.length === 0 && <p>{t('my.nonePast')}</p>}
      <ul className="bookings">
        {past.map((b) => (
          <BookingCard key={b.id} booking={b} />
        ))}
      </ul>
      {cancelling && (
        <CancelDialog
          booking={cancelling}
          onClose={() => setCancelling(null)}
          onCancelled={() => {
            setCancelling(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </section>
  );
}

function BookingCard({ booking, children }: { booking: BookingRow; children?: React.ReactNode }) {
  const { t, locale } = useI18n();
  return (
    <li className={`card booking-card booking-card--${booking.status.toLowerCase()}`}>
      <h3>
        {formatDay(dayOf(booking.startsAt), locale)}, {timeOf(booking.startsAt)}–{timeOf(booking.endsAt)}
      </h3>
      <p>
        {booking.repairType.name} · {booking.car.model.name}, {booking.car.plate}
      </p>
      <p>
        {t('my.receptionist')}: {booking.receptionist.fullName}
      </p>
      <p>
        {t('my.price')}: <strong className="price">{formatMoney(booking.price, locale)}</strong>
      </p>
      {booking.status === 'CANCELLED' && (
        <p className="status">
          {t('my.cancelled')}
          {booking.cancelReason ? `: ${booking.cancelReason}` : ''}
        </p>
      )}
      {children}
    </li>
  );
}

function CancelDialog({ booking, onClose, onCancelled }: { booking: BookingRow; onClose: () => void; onCancelled: () => void }) {
  const { t, locale } = useI18n();
  const [state, cancel] = useMutation(CancelBookingDocument);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={t('my.cancelTitle')} onClose={onClose}>
      <p>{t('my.cancelConfirm', { when: `${formatDay(dayOf(booking.startsAt), locale)}, ${timeOf(booking.startsAt)}` })}</p>
      {error && <Alert>{error}</Alert>}
      <div className="actions">
        <button
          type="button"
          className="button--danger"
          disabled={state.fetching}
          onClick={() =>
            void cancel({ id: booking.id }).then((result) => {
              if (result.error) setError(problemOf(result.error)?.message ?? t('error.generic'));
              else onCancelled();
            })
          }
        >
          {t('my.cancelYes')}
        </button>
        <button type="button" className="button--secondary" onClick={onClose}>
          {t('my.cancelNo')}
        </button>
      </div>
    </Dialog>
  );
}

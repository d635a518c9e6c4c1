import { useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { dayOf, formatDay, formatMoney, timeOf, useI18n } from '../../i18n';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { BookingDetailsDocument, StaffCancelDocument } from './documents';
import { clientName } from './StaffBoard';

export interface MovingBooking {
  id: string;
  summary: string;
}

/** A booked slot: who, which car, what repair and price; cancel with a reason, or move. */
export function BookingDetailsDialog({
  bookingId,
  onClose,
  onCancelled,
  onMove,
}: {
  bookingId: string;
  onClose: () => void;
  onCancelled: (text: string) => void;
  onMove: (booking: MovingBooking) => void;
}) {
  const { t, locale } = useI18n();
  const reasonId = useId();
  const [{ data, error }] = useQuery({ query: BookingDetailsDocument, variables: { id: bookingId }, requestPolicy: 'network-only' });
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [cancelState, cancel] = useMutation(StaffCancelDocument);
  const [openedAt] = useState(() => Date.now());
  const booking = data?.booking;

  if (!booking) {
    return (
      <Dialog title={t('staff.details.title')} onClose={onClose}>
        {error ? <Alert>{explain(problemOf(error) ?? { code: '', message: '', fields: {} }, t)}</Alert> : <p aria-busy="true">{t('common.loading')}</p>}
        <div className="actions">
          <button type="button" className="button--secondary" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </Dialog>
    );
  }
  const when = `${formatDay(dayOf(booking.startsAt), locale)}, ${timeOf(booking.startsAt)}–${timeOf(booking.endsAt)}`;
  const future = new Date(booking.startsAt).getTime() > openedAt;
  const active = booking.status === 'ACTIVE';

  const submitCancel = async () => {
    if (!reason.trim()) {
      setReasonError(t('staff.details.reasonRequired'));
      return;
    }
    const result = await cancel({ id: booking.id, reason: reason.trim() });
    if (result.data) {
      onCancelled(t('staff.details.cancelled', { when, client: clientName(booking.client) }));
      return;
    }
    const found = problemOf(result.error);
    if (found?.fields.reason) setReasonError(found.fields.reason);
    else setProblem(found);
  };

  return (
    <Dialog title={t('staff.details.title')} onClose={onClose}>
      <dl className="details">
        <dt>{t('staff.details.when')}</dt>
        <dd>
          {when} · {booking.receptionist.fullName}
        </dd>
        <dt>{t('staff.details.client')}</dt>
        <dd>
          {clientName(booking.client)} {booking.client.patronymic ?? ''} ({booking.client.nick}), <a href={`mailto:${booking.client.email}`}>{booking.client.email}</a>
        </dd>
        <dt>{t('staff.details.car')}</dt>
        <dd>
          {booking.car.model.name}, {booking.car.plate}, VIN {booking.car.vin}, {t('staff.details.mileage', { km: booking.car.mileageKm })}
        </dd>
        <dt>{t('staff.details.repair')}</dt>
        <dd>
          {booking.repairType.name} — <span className="price">{formatMoney(booking.price, locale)}</span>
        </dd>
        <dt>{t('staff.details.status')}</dt>
        <dd>{active ? t('staff.details.active') : t('staff.details.cancelledStatus', { reason: booking.cancelReason ?? '—' })}</dd>
      </dl>
      <details>
        <summary>{t('staff.details.lines')}</summary>
        <ul className="lines">
          {booking.priceLines.map((line, i) => (
            <li key={i}>
              {line.description} × {line.quantity}: {formatMoney(line.amount, locale)}
            </li>
          ))}
        </ul>
      </details>
      {cancelling && (
        <div className={reasonError ? 'field field--error' : 'field'}>
          <label htmlFor={reasonId}>{t('staff.details.reason')}</label>
          <textarea
            id={reasonId}
            rows={3}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setReasonError('');
            }}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`${reasonId}-hint${reasonError ? ` ${reasonId}-error` : ''}`}
          />
          <small id={`${reasonId}-hint`}>{t('staff.details.reasonHint')}</small>
          {reasonError && (
            <p className="field__error" id={`${reasonId}-error`}>
              {reasonError}
            </p>
          )}
        </div>
      )}
      {problem && <Alert>{explain(problem, t)}</Alert>}
      <div className="actions">
        {active && future && !cancelling && (
          <>
            <button type="button" onClick={() => onMove({ id: booking.id, summary: `${clientName(booking.client)}, ${when}` })}>
              {t('staff.details.move')}
            </button>
            <button type="button" className="button--danger" onClick={() => setCancelling(true)}>
              {t('staff.details.cancel')}
            </button>
          </>
        )}
        {cancelling && (
          <button type="button" className="button--danger" disabled={cancelState.fetching} onClick={() => void submitCancel()}>
            {t('staff.details.cancelConfirm')}
          </button>
        )}
        <button type="button" className="button--secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}

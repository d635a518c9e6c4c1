import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { formatDay, formatMoney, timeOf, dayOf, useI18n } from '../../i18n';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { useMe } from '../../app/useSession';
import { ResendVerificationButton } from '../account/EmailNotice';
import { BookSlotDocument, RepairOptionsDocument } from './documents';
import type { ChosenSlot } from './SlotTable';

interface Car {
  id: string;
  plate: string;
  model: { name: string };
}

export interface Booked {
  id: string;
  startsAt: string;
  price: string;
}

/** Taking a free slot: the car, then the repair with its price, then confirm. */
export function BookingDialog({
  slot,
  cars,
  onClose,
  onBooked,
  onRefused,
}: {
  slot: ChosenSlot;
  cars: Car[];
  onClose: () => void;
  onBooked: (booking: Booked) => void;
  onRefused: () => void;
}) {
  const { t, locale } = useI18n();
  const [carId, setCarId] = useState(cars.length === 1 ? (cars[0]?.id ?? '') : '');
  const [repairTypeId, setRepairTypeId] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [options] = useQuery({ query: RepairOptionsDocument, variables: { carId }, pause: !carId });
  const [booking, bookSlot] = useMutation(BookSlotDocument);
  const { me } = useMe();
  const when = `${formatDay(dayOf(slot.startsAt), locale)}, ${timeOf(slot.startsAt)}`;

  const confirm = async () => {
    const result = await bookSlot({
      input: { receptionistId: slot.receptionistId || null, startsAt: slot.startsAt, carId, repairTypeId, idempotencyKey },
    });
    const booked = result.data?.bookSlot;
    if (booked) {
      onBooked(booked);
      return;
    }
    setProblem(problemOf(result.error));
    onRefused();
  };

  return (
    <Dialog title={t('book.title')} onClose={onClose}>
      <p>
        {when} · {slot.receptionistName}
      </p>
      <fieldset>
        <legend>{t('book.car')}</legend>
        {cars.map((car) => (
          <div className="check" key={car.id}>
            <input type="radio" id={`car-${car.id}`} name="car" checked={carId === car.id} onChange={() => { setCarId(car.id); setRepairTypeId(''); }} />
            <label htmlFor={`car-${car.id}`}>
              {car.model.name}, {car.plate}
            </label>
          </div>
        ))}
      </fieldset>
      {carId && (
        <fieldset>
          <legend>{t('book.repair')}</legend>
          {options.fetching && !options.data && <p aria-busy="true">{t('common.loading')}</p>}
          {options.data?.repairOptions.map((option) => (
            <div className="option" key={option.repairType.id}>
              <div className="check">
                <input
                  type="radio"
                  id={`repair-${option.repairType.id}`}
                  name="repair"
                  checked={repairTypeId === option.repairType.id}
                  onChange={() => setRepairTypeId(option.repairType.id)}
                />
                <label htmlFor={`repair-${option.repairType.id}`}>
                  {option.repairType.name} — <span className="price">{formatMoney(option.estimate.total, locale)}</span>
                </label>
              </div>
              <details>
                <summary>{t('book.lines', { name: option.repairType.name })}</summary>
                <ul className="lines">
                  {option.estimate.lines.map((line, i) => (
                    <li key={i}>
                      {line.description} × {line.quantity}: {formatMoney(line.amount, locale)}
                    </li>
                  ))}
                </ul>
              </details>
            </div>
          ))}
        </fieldset>
      )}
      {problem && (
        <Alert>
          <p>{explain(problem, t)}</p>
          {problem.code === 'EMAIL_NOT_VERIFIED' && me && <ResendVerificationButton email={me.pendingEmail ?? me.email} />}
        </Alert>
      )}
      <div className="actions">
        <button type="button" disabled={!carId || !repairTypeId || booking.fetching || problem !== null} onClick={() => void confirm()}>
          {t('book.confirm')}
        </button>
        <button type="button" className="button--secondary" onClick={onClose}>
          {problem ? t('common.close') : t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

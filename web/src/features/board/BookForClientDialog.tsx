import { useDeferredValue, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { dayOf, formatDay, formatMoney, timeOf, useI18n } from '../../i18n';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { BookSlotDocument, RepairOptionsDocument } from '../booking/documents';
import type { ChosenSlot } from '../booking/SlotTable';
import { ClientCarsDocument, FindClientsDocument } from './documents';
import { clientName } from './StaffBoard';

interface FoundClient {
  id: string;
  nick: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** Booking for a caller: find the client, pick their car, the repair with its price, confirm. */
export function BookForClientDialog({
  slot,
  onClose,
  onBooked,
  onRefused,
}: {
  slot: ChosenSlot;
  onClose: () => void;
  onBooked: (text: string) => void;
  onRefused: () => void;
}) {
  const { t, locale } = useI18n();
  const searchId = useId();
  const [search, setSearch] = useState('');
  const term = useDeferredValue(search.trim());
  const [client, setClient] = useState<FoundClient | null>(null);
  const [carId, setCarId] = useState('');
  const [repairTypeId, setRepairTypeId] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [found] = useQuery({ query: FindClientsDocument, variables: { search: term }, pause: term.length < 2 || client !== null });
  const [cars] = useQuery({ query: ClientCarsDocument, variables: { id: client?.id ?? '' }, pause: !client });
  const [options] = useQuery({ query: RepairOptionsDocument, variables: { carId }, pause: !carId });
  const [booking, bookSlot] = useMutation(BookSlotDocument);
  const when = `${formatDay(dayOf(slot.startsAt), locale)}, ${timeOf(slot.startsAt)}`;
  const carList = cars.data?.user.cars ?? [];
  const chosenOption = options.data?.repairOptions.find((o) => o.repairType.id === repairTypeId);

  const confirm = async () => {
    const result = await bookSlot({
      input: { receptionistId: slot.receptionistId, startsAt: slot.startsAt, carId, repairTypeId, idempotencyKey },
    });
    const booked = result.data?.bookSlot;
    if (booked && client) {
      onBooked(t('staff.book.done', { when, client: clientName(client), price: formatMoney(booked.price, locale) }));
      return;
    }
    setProblem(problemOf(result.error));
    onRefused();
  };

  return (
    <Dialog title={t('staff.book.title')} onClose={onClose}>
      <p>
        {when} · {slot.receptionistName}
      </p>
      {!client ? (
        <div className="field">
          <label htmlFor={searchId}>{t('staff.book.search')}</label>
          <input id={searchId} type="search" value={search} autoComplete="off" onChange={(e) => setSearch(e.target.value)} aria-describedby={`${searchId}-hint`} />
          <small id={`${searchId}-hint`}>{t('staff.book.searchHint')}</small>
          {term.length >= 2 && found.data && (
            <ul className="found" aria-label={t('staff.book.found')}>
              {found.data.users.edges.length === 0 && <li>{t('staff.book.nobody')}</li>}
              {found.data.users.edges.map(({ node }) => (
                <li key={node.id}>
                  <button type="button" className="button--secondary" onClick={() => setClient(node)}>
                    {clientName(node)} · {node.nick} · {node.email}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <>
          <p className="chosen">
            <strong>{t('staff.book.client')}:</strong> {clientName(client)} ({client.nick}, {client.email}){' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setClient(null);
                setCarId('');
                setRepairTypeId('');
              }}
            >
              {t('staff.book.otherClient')}
            </button>
          </p>
          <fieldset>
            <legend>{t('book.car')}</legend>
            {cars.data && carList.length === 0 && <p>{t('staff.book.noCars')}</p>}
            {carList.map((car) => (
              <div className="check" key={car.id}>
                <input
                  type="radio"
                  id={`staff-car-${car.id}`}
                  name="staff-car"
                  checked={carId === car.id}
                  onChange={() => {
                    setCarId(car.id);
                    setRepairTypeId('');
                  }}
                />
                <label htmlFor={`staff-car-${car.id}`}>
                  {car.model.name}, {car.plate}
                </label>
              </div>
            ))}
          </fieldset>
        </>
      )}
      {carId && (
        <fieldset>
          <legend>{t('book.repair')}</legend>
          {options.fetching && !options.data && <p aria-busy="true">{t('common.loading')}</p>}
          {options.data?.repairOptions.map((option) => (
            <div className="check" key={option.repairType.id}>
              <input
                type="radio"
                id={`staff-repair-${option.repairType.id}`}
                name="staff-repair"
                checked={repairTypeId === option.repairType.id}
                onChange={() => setRepairTypeId(option.repairType.id)}
              />
              <label htmlFor={`staff-repair-${option.repairType.id}`}>
                {option.repairType.name} — <span className="price">{formatMoney(option.estimate.total, locale)}</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
      {chosenOption && client && (
        <p>{t('staff.book.summary', { client: clientName(client), when, repair: chosenOption.repairType.name, price: formatMoney(chosenOption.estimate.total, locale) })}</p>
      )}
      {problem && <Alert>{explain(problem, t)}</Alert>}
      <div className="actions">
        <button type="button" disabled={!carId || !repairTypeId || booking.fetching || problem !== null} onClick={() => void confirm()}>
          {t('staff.book.confirm')}
        </button>
        <button type="button" className="button--secondary" onClick={onClose}>
          {problem ? t('common.close') : t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

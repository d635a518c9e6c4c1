import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { problemOf } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Link } from '../../app/router';
import { Dialog } from '../../ui/Dialog';
import { Alert } from '../../ui/Field';
import { CarForm, type CarValues } from './CarForm';

const MyCarsDocument = graphql(`
  query MyCars {
    me {
      id
      cars {
        id
        vin
        plate
        stsNumber
        soldOn
        mileageKm
        model {
          id
          name
          imageUrl
        }
      }
    }
    carModels {
      id
      name
      imageUrl
    }
  }
`);

const RemoveCarDocument = graphql(`
  mutation RemoveCar($id: ID!) {
    removeCar(id: $id) {
      id
    }
  }
`);

export default function CarsPage() {
  const { t } = useI18n();
  const [{ data }, reexecute] = useQuery({ query: MyCarsDocument });
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<CarValues | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [, removeCar] = useMutation(RemoveCarDocument);
  if (!data?.me) return <p aria-busy="true">{t('common.loading')}</p>;
  const cars = data.me.cars;
  const done = () => {
    setEditing(null);
    reexecute({ requestPolicy: 'network-only' });
  };

  return (
    <section>
      <h1>{t('cars.title')}</h1>
      {cars.length === 0 && editing === null && <p>{t('cars.none')}</p>}
      <ul className="cars">
        {cars.map((car) =>
          editing === car.id ? (
            <li key={car.id} className="card">
              <CarForm models={data.carModels} car={car} onDone={done} />
            </li>
          ) : (
            <li key={car.id} className="card car">
              <img src={car.model.imageUrl} alt="" width={160} height={96} />
              <div>
                <h2>{car.model.name}</h2>
                <dl>
                  <dt>{t('field.plate')}</dt>
                  <dd>{car.plate}</dd>
                  <dt>{t('field.vin')}</dt>
                  <dd>{car.vin}</dd>
                  <dt>{t('field.mileage')}</dt>
                  <dd>{car.mileageKm}</dd>
                </dl>
                <div className="actions">
                  <button type="button" className="button--secondary" onClick={() => setEditing(car.id)} aria-label={t('cars.editNamed', { name: car.plate })}>
                    {t('cars.edit')}
                  </button>
                  <button type="button" className="button--danger" onClick={() => setRemoving(car)} aria-label={t('cars.removeNamed', { name: car.plate })}>
                    {t('cars.remove')}
                  </button>
                </div>
              </div>
            </li>
          ),
        )}
      </ul>
      {editing === 'new' ? (
        <div className="card">
          <h2>{t('cars.addTitle')}</h2>
          <CarForm models={data.carModels} onDone={done} />
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setEditing('new')}>
            {t('cars.addTitle')}
          </button>
          {cars.length > 0 && (
            <Link className="button button--secondary" href="/booking">
              {t('home.book')}
            </Link>
          )}
        </div>
      )}
      {removing && (
        <Dialog title={t('cars.removeTitle')} onClose={() => setRemoving(null)}>
          <p>{t('cars.removeConfirm', { name: `${removing.model.name}, ${removing.plate}` })}</p>
          {removeError && <Alert>{removeError}</Alert>}
          <div className="actions">
            <button
              type="button"
              className="button--danger"
              onClick={() =>
                void removeCar({ id: removing.id }).then((result) => {
                  if (result.error) {
                    setRemoveError(problemOf(result.error)?.message ?? t('error.generic'));
                    return;
                  }
                  setRemoving(null);
                  setRemoveError(null);
                  reexecute({ requestPolicy: 'network-only' });
                })
              }
            >
              {t('cars.remove')}
            </button>
            <button type="button" className="button--secondary" onClick={() => setRemoving(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

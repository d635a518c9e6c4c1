import { useState, type SubmitEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { CarInput } from '../../gql/graphql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { useI18n } from '../../i18n';
import { formText } from '../../ui/form';
import { Alert, Field } from '../../ui/Field';
import { ModelPicker, type Model } from './ModelPicker';

const AddCarDocument = graphql(`
  mutation AddCar($input: CarInput!) {
    addCar(input: $input) {
      id
    }
  }
`);

const UpdateCarDocument = graphql(`
  mutation UpdateCar($id: ID!, $input: CarInput!) {
    updateCar(id: $id, input: $input) {
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
`);

export interface CarValues {
  id: string;
  vin: string;
  plate: string;
  stsNumber: string;
  soldOn: string;
  mileageKm: number;
  model: Model;
}

/** Adds a car, or edits `car`; the API's field errors are shown at their fields. */
export function CarForm({ models, car, onDone }: { models: Model[]; car?: CarValues | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const [, add] = useMutation(AddCarDocument);
  const [, update] = useMutation(UpdateCarDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const today = new Date().toISOString().slice(0, 10);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => formText(form, name);
    const modelId = text('carModelId');
    const mileage = text('mileageKm');
    const local: Record<string, string> = {};
    if (!modelId) local.carModelId = t('cars.chooseModel');
    if (!/^\d+$/.test(mileage)) local.mileageKm = t('cars.mileageNumber');
    if (!text('soldOn')) local.soldOn = t('cars.soldOnRequired');
    if (Object.keys(local).length > 0) {
      setProblem({ code: 'BAD_USER_INPUT', message: '', fields: local });
      return;
    }
    const input: CarInput = {
      vin: text('vin'),
      plate: text('plate'),
      stsNumber: text('stsNumber'),
      soldOn: text('soldOn'),
      mileageKm: Number(mileage),
      carModelId: modelId,
    };
    setBusy(true);
    const result = car ? await update({ id: car.id, input }) : await add({ input });
    setBusy(false);
    if (result.error) {
      setProblem(problemOf(result.error));
      return;
    }
    onDone();
  };

  const error = (name: string) => problem?.fields[name];
  return (
    <form className="car-form" onSubmit={(e) => void submit(e)} noValidate aria-label={car ? t('cars.editTitle') : t('cars.addTitle')}>
      <Field label={t('field.vin')} name="vin" defaultValue={car?.vin} required hint={t('cars.vinHint')} error={error('vin')} autoCapitalize="characters" />
      <Field label={t('field.plate')} name="plate" defaultValue={car?.plate} required hint={t('cars.plateHint')} error={error('plate')} />
      <Field label={t('field.sts')} name="stsNumber" defaultValue={car?.stsNumber} required hint={t('cars.stsHint')} error={error('stsNumber')} />
      <Field label={t('field.soldOn')} name="soldOn" type="date" max={today} defaultValue={car?.soldOn} required error={error('soldOn')} />
      <Field label={t('field.mileage')} name="mileageKm" type="number" inputMode="numeric" min={0} max={2000000} defaultValue={car?.mileageKm} required error={error('mileageKm')} />
      <ModelPicker models={models} value={car?.model.id} error={error('carModelId')} />
      {problem && Object.keys(problem.fields).length === 0 && <Alert>{problem.message || t('error.generic')}</Alert>}
      {problem && Object.keys(problem.fields).length > 0 && <Alert>{t('form.fixFields')}</Alert>}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {car ? t('cars.save') : t('cars.add')}
        </button>
        <button type="button" className="button--secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

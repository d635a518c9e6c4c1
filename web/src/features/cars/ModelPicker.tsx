import { useI18n } from '../../i18n';

export interface Model {
  id: string;
  name: string;
  imageUrl: string;
}

/** The catalog's car models as pictures: a radio group, operable by arrow keys. */
export function ModelPicker({ models, value, error }: { models: Model[]; value?: string | undefined; error?: string | undefined }) {
  const { t } = useI18n();
  return (
    <fieldset className={error ? 'models field--error' : 'models'} aria-describedby={error ? 'model-error' : undefined}>
      <legend>{t('field.carModel')}</legend>
      <div className="models__grid">
        {models.map((model) => (
          <label key={model.id} className="model">
            <input type="radio" name="carModelId" value={model.id} defaultChecked={model.id === value} required />
            <img src={model.imageUrl} alt="" width={160} height={96} loading="lazy" />
            <span>{model.name}</span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field__error" id="model-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

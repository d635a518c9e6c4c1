import { useId, useState, type SubmitEvent } from 'react';
import type { CombinedError } from 'urql';
import { problemOf, type FieldErrors } from '../../api/errors';
import { useI18n, type Key } from '../../i18n';
import { Dialog } from '../../ui/Dialog';
import { Alert, Field } from '../../ui/Field';
import { explain } from '../../ui/problem';

export interface Choice {
  value: string;
  label: string;
}

/** One input of a catalog form; `name` is the API input's field, so its errors land here. */
export type FieldSpec =
  | { name: string; label: Key; kind: 'text' | 'decimal' | 'int' | 'image'; hint?: Key; optional?: boolean }
  | { name: string; label: Key; kind: 'select'; choices: Choice[]; optional?: boolean; none?: Key }
  | { name: string; label: Key; kind: 'checkbox' }
  | { name: string; label: Key; kind: 'multi'; choices: Choice[] }
  | { name: string; label: Key; kind: 'parts'; choices: Choice[] };

export type Values = Record<string, unknown>;
export type Save = (input: Values) => Promise<CombinedError | undefined>;

const DECIMAL = /^\d+([.,]\d+)?$/;

/** The API input from the form, checked for what the browser can tell (numbers). */
function read(form: FormData, specs: FieldSpec[], t: (key: Key) => string): { input: Values; errors: FieldErrors } {
  const input: Values = {};
  const errors: FieldErrors = {};
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  for (const spec of specs) {
    switch (spec.kind) {
      case 'text':
      case 'image':
        input[spec.name] = spec.optional && !text(spec.name) ? null : text(spec.name);
        break;
      case 'decimal':
        if (!DECIMAL.test(text(spec.name))) errors[spec.name] = t('staff.catalog.decimal');
        input[spec.name] = text(spec.name).replace(',', '.');
        break;
      case 'int':
        if (!/^\d+$/.test(text(spec.name))) errors[spec.name] = t('staff.catalog.int');
        input[spec.name] = Number(text(spec.name));
        break;
      case 'select':
        if (!text(spec.name) && !spec.optional) errors[spec.name] = t('staff.catalog.choose');
        input[spec.name] = text(spec.name) || null;
        break;
      case 'checkbox':
        input[spec.name] = form.get(spec.name) === 'on';
        break;
      case 'multi':
        input[spec.name] = form.getAll(spec.name).map(String);
        break;
      case 'parts':
        input[spec.name] = form.getAll(spec.name).map((value) => {
          const id = typeof value === 'string' ? value : '';
          const quantity = text(`${spec.name}-qty-${id}`);
          if (!/^\d+$/.test(quantity)) errors[spec.name] = t('staff.catalog.int');
          return { consumableId: id, quantity: Number(quantity) };
        });
        break;
    }
  }
  return { input, errors };
}

function ImageField({ label, initial, error, hint }: { label: string; initial: string; error?: string | undefined; hint?: string | undefined }) {
  const { t } = useI18n();
  const [url, setUrl] = useState(initial);
  const shown = /^(https?:\/\/|\/)/.test(url);
  return (
    <div className="image-field">
      <Field label={label} name="imageUrl" value={url} onChange={(e) => setUrl(e.target.value)} error={error} hint={hint} />
      {shown && <img src={url} alt={t('staff.catalog.picturePreview')} className="image-field__preview" />}
    </div>
  );
}

/** Create or edit one catalog entry; the API's field errors are shown at their fields. */
export function EntityDialog({
  title,
  specs,
  initial,
  onSave,
  onClose,
  onSaved,
}: {
  title: string;
  specs: FieldSpec[];
  initial: Values;
  onSave: Save;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { input, errors: local } = read(new FormData(event.currentTarget), specs, t);
    setErrors(local);
    setProblem('');
    if (Object.keys(local).length) return;
    setBusy(true);
    const error = await onSave(input);
    setBusy(false);
    if (!error) {
      onSaved();
      return;
    }
    const found = problemOf(error);
    if (!found) return;
    const known = specs.map((s) => s.name);
    const atFields = Object.fromEntries(Object.entries(found.fields).filter(([name]) => known.includes(name)));
    setErrors(atFields);
    const elsewhere = Object.entries(found.fields).filter(([name]) => !known.includes(name));
    setProblem(Object.keys(atFields).length ? (elsewhere.map(([, m]) => m).join(' ') || t('form.fixFields')) : explain(found, t));
  };

  const str = (name: string) => {
    const value = initial[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };

  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {specs.map((spec) => {
          const error = errors[spec.name];
          switch (spec.kind) {
            case 'text':
            case 'decimal':
            case 'int':
              return (
                <Field
                  key={spec.name}
                  name={spec.name}
                  label={spec.optional ? `${t(spec.label)} (${t('field.optional')})` : t(spec.label)}
                  defaultValue={str(spec.name)}
                  inputMode={spec.kind === 'text' ? undefined : spec.kind === 'int' ? 'numeric' : 'decimal'}
                  hint={spec.hint ? t(spec.hint) : undefined}
                  error={error}
                />
              );
            case 'image':
              return <ImageField key={spec.name} label={t(spec.label)} initial={str(spec.name)} error={error} hint={spec.hint ? t(spec.hint) : undefined} />;
            case 'select':
              return (
                <div key={spec.name} className={error ? 'field field--error' : 'field'}>
                  <label htmlFor={`${id}-${spec.name}`}>{t(spec.label)}</label>
                  <select
                    id={`${id}-${spec.name}`}
                    name={spec.name}
                    defaultValue={str(spec.name)}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-${spec.name}-error` : undefined}
                  >
                    <option value="">{spec.none ? t(spec.none) : '—'}</option>
                    {spec.choices.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                  {error && (
                    <p className="field__error" id={`${id}-${spec.name}-error`}>
                      {error}
                    </p>
                  )}
                </div>
              );
            case 'checkbox':
              return (
                <div key={spec.name} className="check">
                  <input type="checkbox" id={`${id}-${spec.name}`} name={spec.name} defaultChecked={initial[spec.name] === true} />
                  <label htmlFor={`${id}-${spec.name}`}>{t(spec.label)}</label>
                </div>
              );
            case 'multi':
            case 'parts': {
              const chosen = initial[spec.name];
              const quantities = new Map<string, number>();
              if (Array.isArray(chosen)) {
                for (const item of chosen as unknown[]) {
                  if (typeof item === 'string') quantities.set(item, 1);
                  else if (item && typeof item === 'object' && 'consumableId' in item && 'quantity' in item) {
                    const part = item as { consumableId: string; quantity: number };
                    quantities.set(part.consumableId, part.quantity);
                  }
                }
              }
              return (
                <fieldset key={spec.name} className={error ? 'field--error' : undefined} aria-describedby={error ? `${id}-${spec.name}-error` : undefined}>
                  <legend>{t(spec.label)}</legend>
                  <div className="checks">
                    {spec.choices.map((c) => (
                      <div className="check" key={c.value}>
                        <input type="checkbox" id={`${id}-${spec.name}-${c.value}`} name={spec.name} value={c.value} defaultChecked={quantities.has(c.value)} />
                        <label htmlFor={`${id}-${spec.name}-${c.value}`}>{c.label}</label>
                        {spec.kind === 'parts' && (
                          <input
                            type="number"
                            min={1}
                            className="qty"
                            name={`${spec.name}-qty-${c.value}`}
                            defaultValue={quantities.get(c.value) ?? 1}
                            aria-label={t('staff.catalog.quantityOf', { name: c.label })}
                          />
                        )}
                      </div>
                    ))}
                  </div>
                  {error && (
                    <p className="field__error" id={`${id}-${spec.name}-error`}>
                      {error}
                    </p>
                  )}
                </fieldset>
              );
            }
          }
        })}
        {problem && <Alert>{problem}</Alert>}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('staff.catalog.save')}
          </button>
          <button type="button" className="button--secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

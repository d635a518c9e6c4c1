import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { problemOf } from '../../api/errors';
import { formatDay, useI18n } from '../../i18n';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { SetClosedDayDocument } from './documents';

/** Close the shop on the chosen day (a holiday) with a note, or open it again. */
export function ClosedDayPanel({ date, closed, note, onChanged }: { date: string; closed: boolean; note: string | null; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const noteId = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [state, setClosedDay] = useMutation(SetClosedDayDocument);

  const submit = async (nextClosed: boolean) => {
    setError('');
    const result = await setClosedDay({ date, closed: nextClosed, note: nextClosed ? text.trim() || null : null });
    if (result.error) {
      const problem = problemOf(result.error);
      setError(problem ? (problem.fields.note ?? problem.fields.date ?? explain(problem, t)) : '');
      return;
    }
    setText('');
    onChanged();
  };

  return (
    <section className="card closed-day" aria-labelledby={`${noteId}-title`}>
      <h2 id={`${noteId}-title`}>{t('staff.closed.title')}</h2>
      {closed ? (
        <>
          <p>{t('staff.closed.isClosed', { day: formatDay(date, locale), note: note ?? '—' })}</p>
          {error && <Alert>{error}</Alert>}
          <button type="button" disabled={state.fetching} onClick={() => void submit(false)}>
            {t('staff.closed.open')}
          </button>
        </>
      ) : (
        <>
          <div className={error ? 'field field--error' : 'field'}>
            <label htmlFor={noteId}>{t('staff.closed.note')}</label>
            <input id={noteId} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${noteId}-error` : undefined} />
            {error && (
              <p className="field__error" id={`${noteId}-error`}>
                {error}
              </p>
            )}
          </div>
          <button type="button" className="button--danger" disabled={state.fetching} onClick={() => void submit(true)}>
            {t('staff.closed.close')}
          </button>
        </>
      )}
    </section>
  );
}

import { useDeferredValue, useId, useState, type SubmitEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { problemOf, type FieldErrors } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Alert, Field } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { clientName } from '../board/StaffBoard';
import { FindClientsDocument } from '../board/documents';
import { AudienceChoicesDocument, AudienceCountDocument, CampaignPreviewDocument, CreateCampaignDocument } from './documents';

interface Person {
  id: string;
  label: string;
}

/**
 * A new campaign: subject, Markdown text with the server's own rendering as the preview
 * (the email's HTML, sanitised the same way), the audience and its head count, send.
 */
export function CampaignEditor({ onClose, onSent }: { onClose: () => void; onSent: (subject: string) => void }) {
  const { t } = useI18n();
  const client = useClient();
  const textId = useId();
  const searchId = useId();
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [allClients, setAllClients] = useState(false);
  const [people, setPeople] = useState<Person[]>([]);
  const [modelIds, setModelIds] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const term = useDeferredValue(search.trim());
  const [preview, setPreview] = useState<{ subject: string; html: string } | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState('');
  const [choices] = useQuery({ query: AudienceChoicesDocument });
  const [found] = useQuery({ query: FindClientsDocument, variables: { search: term }, pause: term.length < 2 });
  const audience = { allClients, userIds: people.map((p) => p.id), carModelIds: modelIds };
  const empty = !allClients && people.length === 0 && modelIds.length === 0;
  const [count] = useQuery({ query: AudienceCountDocument, variables: { audience }, pause: empty, requestPolicy: 'network-only' });
  const [sending, create] = useMutation(CreateCampaignDocument);
  const headCount = empty ? 0 : count.data?.campaignAudiencePreview;

  const showPreview = async () => {
    setProblem('');
    const result = await client.query(CampaignPreviewDocument, { subject, text }, { requestPolicy: 'network-only' }).toPromise();
    const found = problemOf(result.error);
    setErrors(found?.fields ?? {});
    if (found && Object.keys(found.fields).length === 0) setProblem(explain(found, t));
    setPreview(result.data?.campaignPreview ?? null);
  };

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem('');
    if (empty) {
      setProblem(t('staff.editor.noAudience'));
      return;
    }
    const result = await create({ input: { subject, text, audience } });
    if (result.data) {
      onSent(result.data.createCampaign.subject);
      return;
    }
    const found = problemOf(result.error);
    setErrors(found?.fields ?? {});
    if (found && Object.keys(found.fields).length === 0) setProblem(explain(found, t));
  };

  const toggleModel = (id: string) => setModelIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  return (
    <form className="card editor" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${textId}-title`}>
      <h2 id={`${textId}-title`}>{t('staff.editor.title')}</h2>
      <Field label={t('staff.editor.subject')} value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} maxLength={200} />
      <div className={errors.text ? 'field field--error' : 'field'}>
        <label htmlFor={textId}>{t('staff.editor.text')}</label>
        <textarea
          id={textId}
          rows={8}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={errors.text ? true : undefined}
          aria-describedby={`${textId}-hint${errors.text ? ` ${textId}-error` : ''}`}
        />
        <small id={`${textId}-hint`}>{t('staff.editor.textHint')}</small>
        {errors.text && (
          <p className="field__error" id={`${textId}-error`}>
            {errors.text}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="button" className="button--secondary" onClick={() => void showPreview()}>
          {t('staff.editor.preview')}
        </button>
      </div>
      {preview && (
        <section className="preview" aria-label={t('staff.editor.previewLabel')}>
          <p className="preview__subject">
            <strong>{t('staff.editor.subject')}:</strong> {preview.subject}
          </p>
          {/* The server's rendering, sanitised there exactly as the email's HTML part. */}
          <div className="preview__body" dangerouslySetInnerHTML={{ __html: preview.html }} />
        </section>
      )}
      <fieldset>
        <legend>{t('staff.editor.audience')}</legend>
        <div className="check">
          <input type="checkbox" id={`${textId}-all`} checked={allClients} onChange={(e) => setAllClients(e.target.checked)} />
          <label htmlFor={`${textId}-all`}>{t('staff.editor.allClients')}</label>
        </div>
        <fieldset>
          <legend>{t('staff.editor.models')}</legend>
          <div className="checks">
            {choices.data?.carModels.map((model) => (
              <div className="check" key={model.id}>
                <input type="checkbox" id={`${textId}-m-${model.id}`} checked={modelIds.includes(model.id)} onChange={() => toggleModel(model.id)} />
                <label htmlFor={`${textId}-m-${model.id}`}>{model.name}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('staff.editor.people')}</legend>
          {people.length > 0 && (
            <ul className="chips">
              {people.map((p) => (
                <li key={p.id}>
                  {p.label}{' '}
                  <button type="button" className="link-button" aria-label={t('staff.editor.removePerson', { name: p.label })} onClick={() => setPeople((list) => list.filter((x) => x.id !== p.id))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="field">
            <label htmlFor={searchId}>{t('staff.book.search')}</label>
            <input id={searchId} type="search" value={search} autoComplete="off" onChange={(e) => setSearch(e.target.value)} />
          </div>
          {term.length >= 2 && found.data && (
            <ul className="found" aria-label={t('staff.book.found')}>
              {found.data.users.edges.length === 0 && <li>{t('staff.book.nobody')}</li>}
              {found.data.users.edges
                .filter(({ node }) => !people.some((p) => p.id === node.id))
                .map(({ node }) => (
                  <li key={node.id}>
                    <button
                      type="button"
                      className="button--secondary"
                      onClick={() => {
                        setPeople((list) => [...list, { id: node.id, label: `${clientName(node)} (${node.email})` }]);
                        setSearch('');
                      }}
                    >
                      {t('staff.editor.addPerson', { name: `${clientName(node)} · ${node.email}` })}
                    </button>
                  </li>
                ))}
            </ul>
          )}
        </fieldset>
        <p className="headcount" role="status">
          {empty ? t('staff.editor.noAudience') : headCount === undefined ? t('common.loading') : t('staff.editor.headCount', { count: headCount })}
        </p>
        {errors.audience && <p className="field__error">{errors.audience}</p>}
      </fieldset>
      {problem && <Alert>{problem}</Alert>}
      <div className="actions">
        <button type="submit" disabled={sending.fetching || empty || headCount === 0}>
          {t('staff.editor.send', { count: headCount ?? 0 })}
        </button>
        <button type="button" className="button--secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

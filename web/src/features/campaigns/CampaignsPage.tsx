import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { problemOf } from '../../api/errors';
import { useI18n, type Key } from '../../i18n';
import type { CampaignStatus } from '../../gql/graphql';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';
import { CampaignEditor } from './CampaignEditor';
import { CampaignsDocument, CancelCampaignDocument } from './documents';

const STATUS: Record<CampaignStatus, Key> = {
  SENDING: 'staff.campaigns.SENDING',
  SENT: 'staff.campaigns.SENT',
  CANCELLED: 'staff.campaigns.CANCELLED',
  FAILED: 'staff.campaigns.FAILED',
};
const POLL_MS = 1000;

/** Campaigns with their progress, re-read every second while one is sending; a new one. */
export default function CampaignsPage() {
  const { t } = useI18n();
  const [{ data }, reread] = useQuery({ query: CampaignsDocument });
  const [writing, setWriting] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [cancelState, cancel] = useMutation(CancelCampaignDocument);
  const sending = data?.campaigns.some((c) => c.status === 'SENDING') ?? false;

  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => reread({ requestPolicy: 'network-only' }), POLL_MS);
    return () => clearInterval(timer);
  }, [sending, reread]);

  return (
    <section>
      <h1>{t('staff.campaigns.title')}</h1>
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {writing ? (
        <CampaignEditor
          onClose={() => setWriting(false)}
          onSent={(subject) => {
            setWriting(false);
            setNotice(t('staff.campaigns.createdNotice', { subject }));
            reread({ requestPolicy: 'network-only' });
          }}
        />
      ) : (
        <p>
          <button type="button" onClick={() => setWriting(true)}>
            {t('staff.campaigns.new')}
          </button>
        </p>
      )}
      <h2>{t('staff.campaigns.list')}</h2>
      {!data ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : data.campaigns.length === 0 ? (
        <p>{t('staff.campaigns.none')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label={t('staff.campaigns.list')} tabIndex={0}>
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t('staff.campaigns.subject')}</th>
                <th scope="col">{t('staff.campaigns.status')}</th>
                <th scope="col">{t('staff.campaigns.recipients')}</th>
                <th scope="col">{t('staff.campaigns.sent')}</th>
                <th scope="col">{t('staff.campaigns.failed')}</th>
                <th scope="col">{t('staff.campaigns.skipped')}</th>
                <th scope="col">{t('staff.campaigns.createdAt')}</th>
                <th scope="col">
                  <span className="sr-only">{t('staff.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.campaigns.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.subject}</th>
                  <td>
                    <span className={`badge badge--${c.status.toLowerCase()}`}>{t(STATUS[c.status])}</span>
                  </td>
                  <td>{c.recipientCount}</td>
                  <td>
                    {c.sentCount}
                    {c.status === 'SENDING' && c.recipientCount > 0 && (
                      <progress value={c.sentCount + c.failedCount + c.skippedCount} max={c.recipientCount} aria-label={t('staff.campaigns.progress', { subject: c.subject })} />
                    )}
                  </td>
                  <td>{c.failedCount}</td>
                  <td>{c.skippedCount}</td>
                  <td>{new Date(c.createdAt).toLocaleString(t('staff.common.dateLocale'))}</td>
                  <td>
                    {c.status === 'SENDING' && (
                      <button
                        type="button"
                        className="button--danger"
                        disabled={cancelState.fetching}
                        aria-label={t('staff.campaigns.cancelNamed', { subject: c.subject })}
                        onClick={() =>
                          void cancel({ id: c.id }).then((result) => {
                            const problem = problemOf(result.error);
                            setError(problem ? explain(problem, t) : '');
                            reread({ requestPolicy: 'network-only' });
                          })
                        }
                      >
                        {t('staff.campaigns.cancel')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

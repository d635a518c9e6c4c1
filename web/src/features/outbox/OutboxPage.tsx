import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { problemOf } from '../../api/errors';
import { useI18n, type Key } from '../../i18n';
import type { MessageKind } from '../../gql/graphql';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';

const OutboxDocument = graphql(`
  query Outbox {
    mailOutbox(first: 50) {
      counts {
        pending
        sending
        sent
        failed
        skipped
      }
      failed {
        id
        kind
        recipient
        subject
        status
        attempts
        lastError
        createdAt
        nextAttemptAt
      }
    }
  }
`);

const RetryMessageDocument = graphql(`
  mutation RetryMessage($id: ID!) {
    retryMessage(id: $id) {
      id
      status
      attempts
      nextAttemptAt
    }
  }
`);

const KIND: Record<MessageKind, Key> = {
  BOOKING_CONFIRMED: 'staff.mail.BOOKING_CONFIRMED',
  BOOKING_CANCELLED: 'staff.mail.BOOKING_CANCELLED',
  BOOKING_MOVED: 'staff.mail.BOOKING_MOVED',
  VISIT_REMINDER: 'staff.mail.VISIT_REMINDER',
  MAINTENANCE_DUE: 'staff.mail.MAINTENANCE_DUE',
  CAMPAIGN: 'staff.mail.CAMPAIGN',
  EMAIL_VERIFICATION: 'staff.mail.EMAIL_VERIFICATION',
  EMAIL_CHANGE_NOTICE: 'staff.mail.EMAIL_CHANGE_NOTICE',
  PASSWORD_RESET: 'staff.mail.PASSWORD_RESET',
  PASSWORD_CHANGED: 'staff.mail.PASSWORD_CHANGED',
};
const COUNTS = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;

/** Email delivery at a glance: counts by state, the failed messages with reasons, retry one. */
export default function OutboxPage() {
  const { t } = useI18n();
  const [{ data }, reread] = useQuery({ query: OutboxDocument, requestPolicy: 'network-only' });
  const [retrying, retry] = useMutation(RetryMessageDocument);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const { counts, failed } = data.mailOutbox;

  return (
    <section>
      <h1>{t('staff.mail.title')}</h1>
      <div className="actions">
        <button type="button" className="button--secondary" onClick={() => reread({ requestPolicy: 'network-only' })}>
          {t('staff.mail.refresh')}
        </button>
      </div>
      <dl className="counts">
        {COUNTS.map((name) => (
          <div key={name} className={`count count--${name}`}>
            <dt>{t(`staff.mail.count.${name}`)}</dt>
            <dd>{counts[name]}</dd>
          </div>
        ))}
      </dl>
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      <h2>{t('staff.mail.failedTitle')}</h2>
      {failed.length === 0 ? (
        <p>{t('staff.mail.noFailed')}</p>
      ) : (
        <ul className="bookings">
          {failed.map((m) => (
            <li key={m.id} className="card">
              <h3>
                {t(KIND[m.kind])}: {m.recipient}
              </h3>
              {m.subject && <p>{m.subject}</p>}
              <p>
                <strong>{t('staff.mail.reason')}:</strong> {m.lastError ?? '—'}
              </p>
              <p>{t('staff.mail.attempts', { count: m.attempts, when: new Date(m.createdAt).toLocaleString(t('staff.common.dateLocale')) })}</p>
              <button
                type="button"
                disabled={retrying.fetching}
                aria-label={t('staff.mail.retryNamed', { recipient: m.recipient })}
                onClick={() =>
                  void retry({ id: m.id }).then((result) => {
                    const problem = problemOf(result.error);
                    setError(problem ? explain(problem, t) : '');
                    setNotice(problem ? '' : t('staff.mail.retried', { recipient: m.recipient }));
                    reread({ requestPolicy: 'network-only' });
                  })
                }
              >
                {t('staff.mail.retry')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

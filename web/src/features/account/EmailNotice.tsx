import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { useI18n } from '../../i18n';
import { useMe } from '../../app/useSession';
import { Alert } from '../../ui/Field';
import { explain, tooMany } from '../../ui/problem';

const ResendVerificationDocument = graphql(`
  mutation ResendVerification {
    resendVerification
  }
`);

/** Sends the verification link again; says so, or when another try makes sense. */
export function ResendVerificationButton({ email }: { email: string }) {
  const { t, locale } = useI18n();
  const [state, resend] = useMutation(ResendVerificationDocument);
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const send = async () => {
    const result = await resend({});
    setSent(Boolean(result.data?.resendVerification));
    setProblem(problemOf(result.error));
  };
  return (
    <>
      <button type="button" className="button--secondary" disabled={state.fetching} onClick={() => void send()}>
        {t('verify.resend')}
      </button>
      {sent && <p role="status">{t('verify.resent', { email })}</p>}
      {problem && <p role="alert">{problem.code === 'RATE_LIMITED' ? tooMany(problem, t, locale) : explain(problem, t)}</p>}
    </>
  );
}

/** `me` read again whenever the tab comes back: a link followed elsewhere shows at once. */
export function useMeOnReturn(active: boolean): void {
  const { reexecute } = useMe();
  useEffect(() => {
    if (!active) return;
    const reread = () => {
      if (document.visibilityState === 'visible') reexecute({ requestPolicy: 'network-only' });
    };
    window.addEventListener('focus', reread);
    document.addEventListener('visibilitychange', reread);
    return () => {
      window.removeEventListener('focus', reread);
      document.removeEventListener('visibilitychange', reread);
    };
  }, [active, reexecute]);
}

/** On every page while the signed-in person's address is not verified yet. */
export function EmailNotice() {
  const { t } = useI18n();
  const { me } = useMe();
  const unverified = Boolean(me && !me.emailVerified);
  useMeOnReturn(unverified || Boolean(me?.pendingEmail));
  if (!me || !unverified) return null;
  const email = me.pendingEmail ?? me.email;
  return (
    <section className="notice" aria-labelledby="email-notice-title">
      <Alert tone="info">
        <p id="email-notice-title">
          <strong>{t('verify.title')}</strong> {t('verify.notice', { email })}
        </p>
        <ResendVerificationButton email={email} />
      </Alert>
    </section>
  );
}

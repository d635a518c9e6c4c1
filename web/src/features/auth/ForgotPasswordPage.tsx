import { useState, type SubmitEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { problemOf, type ApiProblem } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Link } from '../../app/router';
import { formText } from '../../ui/form';
import { Alert, Field } from '../../ui/Field';
import { explain, tooMany } from '../../ui/problem';

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($login: String!) {
    requestPasswordReset(login: $login)
  }
`);

/** Asks for a reset link; the answer never tells whether such an account exists. */
export default function ForgotPasswordPage() {
  const { t, locale } = useI18n();
  const [state, request] = useMutation(RequestPasswordResetDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sent, setSent] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await request({ login: formText(form, 'login') });
    setSent(Boolean(result.data?.requestPasswordReset));
    setProblem(problemOf(result.error));
  };

  return (
    <section className="narrow">
      <h1>{t('forgot.title')}</h1>
      <p>{t('forgot.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('field.login')} name="login" autoComplete="username" required error={problem?.fields.login} />
        {problem && Object.keys(problem.fields).length === 0 && (
          <Alert>{problem.code === 'RATE_LIMITED' ? tooMany(problem, t, locale) : explain(problem, t)}</Alert>
        )}
        {sent && <Alert tone="success">{t('forgot.sent')}</Alert>}
        <button type="submit" disabled={state.fetching}>
          {t('forgot.submit')}
        </button>
      </form>
      <p>
        <Link href="/sign-in">{t('forgot.back')}</Link>
      </p>
    </section>
  );
}

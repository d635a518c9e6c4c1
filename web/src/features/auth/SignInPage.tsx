import { useState, type SubmitEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { problemOf, type ApiProblem } from '../../api/errors';
import * as session from '../../api/session';
import { useI18n } from '../../i18n';
import { Link, navigate, useLocation } from '../../app/router';
import { formText } from '../../ui/form';
import { Alert, Field } from '../../ui/Field';

const LoginDocument = graphql(`
  mutation Login($login: String!, $password: String!) {
    login(login: $login, password: $password) {
      accessToken
      accessTokenExpiresAt
      refreshToken
      user {
        id
        nick
      }
    }
  }
`);

export default function SignInPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const [, login] = useMutation(LoginDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await login({ login: formText(form, 'login'), password: formText(form, 'password', { trim: false }) });
    setBusy(false);
    const tokens = result.data?.login;
    if (tokens) {
      await session.signedIn(tokens);
      const next = query.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/booking');
      return;
    }
    setProblem(problemOf(result.error));
  };

  return (
    <section className="narrow">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('field.login')} name="login" autoComplete="username" required error={problem?.fields.login} />
        <Field label={t('field.password')} name="password" type="password" autoComplete="current-password" required error={problem?.fields.password} />
        {problem && Object.keys(problem.fields).length === 0 && (
          <Alert>{problem.code === 'UNAUTHENTICATED' ? t('signIn.wrong') : problem.message || t('error.generic')}</Alert>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <p>
        <Link href="/forgot-password">{t('signIn.forgot')}</Link>
      </p>
      <p>
        {t('signIn.noAccount')} <Link href="/register">{t('nav.register')}</Link>
      </p>
    </section>
  );
}

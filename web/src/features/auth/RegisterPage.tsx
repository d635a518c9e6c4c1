import { useState, type SubmitEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { problemOf, type ApiProblem } from '../../api/errors';
import * as session from '../../api/session';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../app/router';
import { formText } from '../../ui/form';
import { Alert, Field } from '../../ui/Field';
import { explain } from '../../ui/problem';

const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
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

export default function RegisterPage() {
  const { t, locale } = useI18n();
  const [, register] = useMutation(RegisterDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => formText(form, name);
    setBusy(true);
    const result = await register({
      input: {
        nick: text('nick'),
        password: formText(form, 'password', { trim: false }),
        email: text('email'),
        firstName: text('firstName'),
        lastName: text('lastName'),
        patronymic: text('patronymic') || null,
        locale,
        marketingOptIn: form.get('marketingOptIn') === 'on',
      },
    });
    setBusy(false);
    const tokens = result.data?.register;
    if (tokens) {
      await session.signedIn(tokens);
      navigate('/cars');
      return;
    }
    setProblem(problemOf(result.error));
  };

  const fieldError = (name: string) => problem?.fields[name];
  return (
    <section className="narrow">
      <h1>{t('register.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('field.nick')} name="nick" autoComplete="username" required hint={t('register.nickHint')} error={fieldError('nick')} />
        <Field label={t('field.email')} name="email" type="email" autoComplete="email" required error={fieldError('email')} />
        <Field label={t('field.password')} name="password" type="password" autoComplete="new-password" required hint={t('register.passwordHint')} error={fieldError('password')} />
        <Field label={t('field.lastName')} name="lastName" autoComplete="family-name" required error={fieldError('lastName')} />
        <Field label={t('field.firstName')} name="firstName" autoComplete="given-name" required error={fieldError('firstName')} />
        <Field label={t('field.patronymic')} name="patronymic" autoComplete="additional-name" hint={t('field.optional')} error={fieldError('patronymic')} />
        <div className="check">
          <input id="marketingOptIn" name="marketingOptIn" type="checkbox" />
          <label htmlFor="marketingOptIn">{t('field.marketingOptIn')}</label>
        </div>
        {problem && Object.keys(problem.fields).length === 0 && <Alert>{explain(problem, t)}</Alert>}
        {problem && Object.keys(problem.fields).length > 0 && <Alert>{t('form.fixFields')}</Alert>}
        <button type="submit" disabled={busy}>
          {t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <Link href="/sign-in">{t('nav.signIn')}</Link>
      </p>
    </section>
  );
}

import { useState, type SubmitEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { problemOf, type ApiProblem } from '../../api/errors';
import * as session from '../../api/session';
import { useI18n } from '../../i18n';
import { useMe } from '../../app/useSession';
import { formText } from '../../ui/form';
import { Alert, Field } from '../../ui/Field';

const UpdateProfileDocument = graphql(`
  mutation UpdateProfile($input: ProfileInput!) {
    updateProfile(input: $input) {
      id
      email
      emailVerified
      pendingEmail
      firstName
      lastName
      patronymic
      locale
      marketingOptIn
    }
  }
`);

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      accessToken
      accessTokenExpiresAt
      refreshToken
    }
  }
`);

export default function CabinetPage() {
  const { t } = useI18n();
  const { me } = useMe();
  if (!me) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <section className="narrow">
      <h1>{t('cabinet.title')}</h1>
      <p>
        {t('cabinet.nick')}: <strong>{me.nick}</strong>
      </p>
      {me.pendingEmail && <Alert tone="info">{t('cabinet.pendingEmail', { email: me.pendingEmail, current: me.email })}</Alert>}
      <ProfileForm me={me} />
      <PasswordForm />
    </section>
  );
}

interface Profile {
  email: string;
  firstName: string;
  lastName: string;
  patronymic?: string | null;
  locale: string;
  marketingOptIn: boolean;
}

function ProfileForm({ me }: { me: Profile }) {
  const { t } = useI18n();
  const [, update] = useMutation(UpdateProfileDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => formText(form, name);
    const result = await update({
      input: {
        firstName: text('firstName'),
        lastName: text('lastName'),
        patronymic: text('patronymic') || null,
        email: text('email'),
        locale: text('locale'),
        marketingOptIn: form.get('marketingOptIn') === 'on',
      },
    });
    setProblem(problemOf(result.error));
    setSaved(!result.error);
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="profile-title">
      <h2 id="profile-title">{t('cabinet.profile')}</h2>
      <Field label={t('field.lastName')} name="lastName" defaultValue={me.lastName} required error={problem?.fields.lastName} />
      <Field label={t('field.firstName')} name="firstName" defaultValue={me.firstName} required error={problem?.fields.firstName} />
      <Field label={t('field.patronymic')} name="patronymic" defaultValue={me.patronymic ?? ''} hint={t('field.optional')} error={problem?.fields.patronymic} />
      <Field label={t('field.email')} name="email" type="email" defaultValue={me.email} required error={problem?.fields.email} />
      <div className="field">
        <label htmlFor="locale">{t('field.mailLocale')}</label>
        <select id="locale" name="locale" defaultValue={me.locale}>
          <option value="ru">Русский</option>
          <option value="en">English</option>
        </select>
      </div>
      <div className="check">
        <input id="optin" name="marketingOptIn" type="checkbox" defaultChecked={me.marketingOptIn} />
        <label htmlFor="optin">{t('field.marketingOptIn')}</label>
      </div>
      {problem && Object.keys(problem.fields).length === 0 && <Alert>{problem.message || t('error.generic')}</Alert>}
      {saved && <Alert tone="success">{t('cabinet.saved')}</Alert>}
      <button type="submit">{t('cabinet.save')}</button>
    </form>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const [, change] = useMutation(ChangePasswordDocument);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const result = await change({
      currentPassword: formText(form, 'currentPassword', { trim: false }),
      newPassword: formText(form, 'newPassword', { trim: false }),
    });
    const tokens = result.data?.changePassword;
    if (tokens) {
      await session.signedIn(tokens); // every other session was signed out; this one goes on
      formElement.reset();
    }
    setProblem(problemOf(result.error));
    setSaved(Boolean(tokens));
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="password-title">
      <h2 id="password-title">{t('cabinet.password')}</h2>
      <Field label={t('field.currentPassword')} name="currentPassword" type="password" autoComplete="current-password" required error={problem?.fields.currentPassword} />
      <Field label={t('field.newPassword')} name="newPassword" type="password" autoComplete="new-password" required hint={t('register.passwordHint')} error={problem?.fields.newPassword} />
      {problem && Object.keys(problem.fields).length === 0 && (
        <Alert>{problem.code === 'UNAUTHENTICATED' ? t('cabinet.wrongPassword') : problem.message || t('error.generic')}</Alert>
      )}
      {saved && <Alert tone="success">{t('cabinet.passwordChanged')}</Alert>}
      <button type="submit">{t('cabinet.changePassword')}</button>
    </form>
  );
}

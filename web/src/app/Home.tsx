import { useI18n } from '../i18n';
import { Link } from './router';
import { useSignedIn } from './useSession';

export function Home() {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  return (
    <section className="home">
      <h1>{t('home.title')}</h1>
      <p>{t('home.lead')}</p>
      {signedIn ? (
        <p>
          <Link className="button" href="/booking">
            {t('home.book')}
          </Link>
        </p>
      ) : (
        <p className="actions">
          <Link className="button" href="/register">
            {t('nav.register')}
          </Link>
          <Link className="button button--secondary" href="/sign-in">
            {t('nav.signIn')}
          </Link>
        </p>
      )}
    </section>
  );
}

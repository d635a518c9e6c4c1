import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createApiClient, createWebsocket } from '../api/client';
import * as session from '../api/session';
import { useI18n, type Key } from '../i18n';
import { Link, navigate, useLocation } from './router';
import { useMe, useSignedIn } from './useSession';
import { Home } from './Home';
import { isStaffPath, staffLinks, StaffPage } from '../features/staff/routes';
import { EmailNotice } from '../features/account/EmailNotice';

const RegisterPage = lazy(() => import('../features/auth/RegisterPage'));
const SignInPage = lazy(() => import('../features/auth/SignInPage'));
const ForgotPasswordPage = lazy(() => import('../features/auth/ForgotPasswordPage'));
const CabinetPage = lazy(() => import('../features/cabinet/CabinetPage'));
const CarsPage = lazy(() => import('../features/cars/CarsPage'));
const loadBookingPage = () => import('../features/booking/BookingPage');
const BookingPage = lazy(loadBookingPage);
// The booking page is what most visits are for: fetch its code once the first page is up.
setTimeout(() => void loadBookingPage(), 1_000);
const MyBookingsPage = lazy(() => import('../features/my-bookings/MyBookingsPage'));

function makeClients() {
  const ws = createWebsocket();
  return { client: createApiClient(ws), ws };
}

const PRIVATE = new Set(['/cabinet', '/cars', '/booking', '/my-bookings']);

export function App() {
  const signedIn = useSignedIn();
  // A new cache (and websocket) per signed-in user: nothing of one user stays for the next.
  const [epoch, setEpoch] = useState(() => ({ signedIn, clients: makeClients() }));
  if (epoch.signedIn !== signedIn) setEpoch({ signedIn, clients: makeClients() });
  const { client, ws } = epoch.clients;
  useEffect(() => () => void ws.dispose(), [ws]);
  return (
    <Provider value={client}>
      <Shell />
    </Provider>
  );
}

function Shell() {
  const { t } = useI18n();
  const { path } = useLocation();
  const signedIn = useSignedIn();
  useEffect(() => {
    if (!signedIn && (PRIVATE.has(path) || isStaffPath(path))) navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true });
  }, [signedIn, path]);
  useEffect(() => {
    const main = document.getElementById('main');
    main?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {signedIn && <EmailNotice />}
        <Suspense fallback={<p aria-busy="true">{t('common.loading')}</p>}>
          <Page path={path} />
        </Suspense>
      </main>
    </>
  );
}

function Page({ path }: { path: string }): ReactNode {
  if (isStaffPath(path)) return <StaffPage path={path} />;
  switch (path) {
    case '/register':
      return <RegisterPage />;
    case '/sign-in':
      return <SignInPage />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/cabinet':
      return <CabinetPage />;
    case '/cars':
      return <CarsPage />;
    case '/booking':
      return <BookingPage />;
    case '/my-bookings':
      return <MyBookingsPage />;
    case '/':
      return <Home />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}

function Header() {
  const { t, locale, setLocale } = useI18n();
  const { path } = useLocation();
  const { me } = useMe();
  const signedIn = useSignedIn();
  const links: [string, Key][] = signedIn
    ? [
        ['/booking', 'nav.booking'],
        ['/my-bookings', 'nav.myBookings'],
        ['/cars', 'nav.cars'],
        ['/cabinet', 'nav.cabinet'],
        ...staffLinks(me?.role),
      ]
    : [
        ['/sign-in', 'nav.signIn'],
        ['/register', 'nav.register'],
      ];
  return (
    <header className="header">
      <Link href="/" className="brand">
        repairbook
      </Link>
      <nav aria-label={t('nav.label')}>
        <ul>
          {links.map(([href, key]) => (
            <li key={href}>
              <Link href={href} aria-current={path === href ? 'page' : undefined}>
                {t(key)}
              </Link>
            </li>
          ))}
          {signedIn && (
            <li>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  void session.signOut();
                  navigate('/');
                }}
              >
                {t('nav.signOut')}
                {me ? ` (${me.nick})` : ''}
              </button>
            </li>
          )}
        </ul>
      </nav>
      <div className="lang">
        <label htmlFor="lang">{t('nav.language')}</label>
        <select id="lang" value={locale} onChange={(e) => setLocale(e.target.value === 'en' ? 'en' : 'ru')}>
          <option value="ru">Русский</option>
          <option value="en">English</option>
        </select>
      </div>
    </header>
  );
}

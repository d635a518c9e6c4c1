import { useDeferredValue, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { problemOf } from '../../api/errors';
import { navigate, useLocation } from '../../app/router';
import { dayOf, formatDay, formatMoney, timeOf, useI18n, type Key } from '../../i18n';
import type { Role } from '../../gql/graphql';
import { Alert } from '../../ui/Field';
import { explain } from '../../ui/problem';

const UsersDocument = graphql(`
  query StaffUsers($search: String, $role: Role) {
    users(search: $search, role: $role, first: 50) {
      edges {
        node {
          id
          nick
          firstName
          lastName
          email
          role
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const UserDocument = graphql(`
  query StaffUser($id: ID!) {
    user(id: $id) {
      id
      nick
      email
      firstName
      lastName
      patronymic
      role
      locale
      marketingOptIn
      createdAt
      cars {
        id
        vin
        plate
        mileageKm
        model {
          id
          name
          imageUrl
        }
      }
      bookings(includePast: true) {
        id
        startsAt
        status
        price
        cancelReason
        repairType {
          id
          name
        }
        car {
          id
          plate
        }
      }
    }
  }
`);

const SetRoleDocument = graphql(`
  mutation SetUserRole($userId: ID!, $role: Role!) {
    setUserRole(userId: $userId, role: $role) {
      id
      role
    }
  }
`);

const ROLE: Record<Role, Key> = { CLIENT: 'staff.users.CLIENT', MANAGER: 'staff.users.MANAGER', ADMIN: 'staff.users.ADMIN' };

/** Admins: find people, open one (profile, cars, bookings), grant or take the manager role. */
export default function UsersPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const open = query.get('id');
  return (
    <section>
      <h1>{t('staff.users.title')}</h1>
      {open ? <UserCard id={open} /> : <UserSearch />}
    </section>
  );
}

function UserSearch() {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const term = useDeferredValue(search.trim());
  const [{ data }] = useQuery({ query: UsersDocument, variables: { search: term || null, role: null } });
  return (
    <>
      <div className="field narrow">
        <label htmlFor={id}>{t('staff.users.search')}</label>
        <input id={id} type="search" value={search} onChange={(e) => setSearch(e.target.value)} aria-describedby={`${id}-hint`} />
        <small id={`${id}-hint`}>{t('staff.users.searchHint')}</small>
      </div>
      {!data ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : data.users.edges.length === 0 ? (
        <p>{t('staff.book.nobody')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label={t('staff.users.found')} tabIndex={0}>
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t('staff.users.name')}</th>
                <th scope="col">{t('field.nick')}</th>
                <th scope="col">{t('field.email')}</th>
                <th scope="col">{t('staff.users.role')}</th>
              </tr>
            </thead>
            <tbody>
              {data.users.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">
                    <a
                      href={`/staff/users?id=${node.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/staff/users?id=${node.id}`);
                      }}
                    >
                      {node.lastName} {node.firstName}
                    </a>
                  </th>
                  <td>{node.nick}</td>
                  <td>{node.email}</td>
                  <td>{t(ROLE[node.role])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function UserCard({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: UserDocument, variables: { id } });
  const [state, setRole] = useMutation(SetRoleDocument);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const back = (
    <p>
      <a
        href="/staff/users"
        onClick={(e) => {
          e.preventDefault();
          navigate('/staff/users');
        }}
      >
        {t('staff.users.back')}
      </a>
    </p>
  );
  if (error) return <>{back}<Alert>{explain(problemOf(error) ?? { code: '', message: '', fields: {} }, t)}</Alert></>;
  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const user = data.user;
  const change = async (role: Role) => {
    const result = await setRole({ userId: user.id, role });
    const found = problemOf(result.error);
    setProblem(found ? explain(found, t) : '');
    setNotice(found ? '' : t('staff.users.roleSet', { nick: user.nick, role: t(ROLE[role]) }));
  };
  return (
    <>
      {back}
      <article className="card">
        <h2>
          {user.lastName} {user.firstName} {user.patronymic ?? ''}
        </h2>
        <dl className="details">
          <dt>{t('field.nick')}</dt>
          <dd>{user.nick}</dd>
          <dt>{t('field.email')}</dt>
          <dd>{user.email}</dd>
          <dt>{t('staff.users.role')}</dt>
          <dd>{t(ROLE[user.role])}</dd>
          <dt>{t('field.mailLocale')}</dt>
          <dd>{user.locale}</dd>
          <dt>{t('staff.users.optIn')}</dt>
          <dd>{user.marketingOptIn ? t('staff.common.yes') : t('staff.common.no')}</dd>
          <dt>{t('staff.users.since')}</dt>
          <dd>{formatDay(dayOf(user.createdAt), locale)}</dd>
        </dl>
        {notice && <Alert tone="success">{notice}</Alert>}
        {problem && <Alert>{problem}</Alert>}
        <div className="actions">
          {user.role === 'CLIENT' && (
            <button type="button" disabled={state.fetching} onClick={() => void change('MANAGER')}>
              {t('staff.users.grant')}
            </button>
          )}
          {user.role === 'MANAGER' && (
            <button type="button" className="button--danger" disabled={state.fetching} onClick={() => void change('CLIENT')}>
              {t('staff.users.take')}
            </button>
          )}
        </div>
      </article>
      <h2>{t('staff.users.cars')}</h2>
      {user.cars.length === 0 ? (
        <p>{t('staff.users.noCars')}</p>
      ) : (
        <ul className="cars">
          {user.cars.map((car) => (
            <li key={car.id} className="card car">
              <img src={car.model.imageUrl} alt="" />
              <div>
                <h3>{car.model.name}</h3>
                <p>
                  {car.plate} · VIN {car.vin} · {t('staff.details.mileage', { km: car.mileageKm })}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('staff.users.bookings')}</h2>
      {user.bookings.length === 0 ? (
        <p>{t('staff.users.noBookings')}</p>
      ) : (
        <ul className="bookings">
          {user.bookings.map((b) => (
            <li key={b.id} className="card booking-card">
              <h3>
                {formatDay(dayOf(b.startsAt), locale)}, {timeOf(b.startsAt)} — {b.repairType.name}
              </h3>
              <p>
                {b.car.plate} · <span className="price">{formatMoney(b.price, locale)}</span> ·{' '}
                {b.status === 'ACTIVE' ? t('staff.details.active') : t('staff.details.cancelledStatus', { reason: b.cancelReason ?? '—' })}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

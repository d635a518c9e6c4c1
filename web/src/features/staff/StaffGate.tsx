import type { ReactNode } from 'react';
import { Link } from '../../app/router';
import { useMe } from '../../app/useSession';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui/Field';

/**
 * Staff pages only for staff: a client (or a manager on an admin page) gets a plain
 * explanation instead of a page whose every query the API would refuse.
 */
export function StaffGate({ adminOnly, children }: { adminOnly: boolean; children: ReactNode }) {
  const { t } = useI18n();
  const { me, fetching } = useMe();
  if (!me) return fetching ? <p aria-busy="true">{t('common.loading')}</p> : null;
  const allowed = adminOnly ? me.role === 'ADMIN' : me.role === 'MANAGER' || me.role === 'ADMIN';
  if (allowed) return children;
  return (
    <section className="narrow">
      <h1>{t('staff.gate.title')}</h1>
      <Alert tone="info">
        <p>{adminOnly && me.role === 'MANAGER' ? t('staff.gate.adminsOnly') : t('staff.gate.staffOnly')}</p>
        <p>
          <Link href={adminOnly && me.role === 'MANAGER' ? '/staff/board' : '/'}>{t('staff.gate.back')}</Link>
        </p>
      </Alert>
    </section>
  );
}

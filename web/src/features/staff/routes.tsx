import { lazy, type ReactNode } from 'react';
import type { Key } from '../../i18n';
import type { Role } from '../../gql/graphql';
import { StaffGate } from './StaffGate';
import './staff.css';

const BoardPage = lazy(() => import('../board/BoardPage'));
const CampaignsPage = lazy(() => import('../campaigns/CampaignsPage'));
const OutboxPage = lazy(() => import('../outbox/OutboxPage'));
const CatalogPage = lazy(() => import('../catalog/CatalogPage'));
const UsersPage = lazy(() => import('../users/UsersPage'));
const WorkingTimePage = lazy(() => import('../working-time/WorkingTimePage'));

interface StaffRoute {
  path: string;
  label: Key;
  adminOnly: boolean;
  page: () => ReactNode;
}

const ROUTES: StaffRoute[] = [
  { path: '/staff/board', label: 'staff.nav.board', adminOnly: false, page: () => <BoardPage /> },
  { path: '/staff/working-time', label: 'staff.nav.workingTime', adminOnly: false, page: () => <WorkingTimePage /> },
  { path: '/staff/campaigns', label: 'staff.nav.campaigns', adminOnly: false, page: () => <CampaignsPage /> },
  { path: '/staff/mail', label: 'staff.nav.mail', adminOnly: false, page: () => <OutboxPage /> },
  { path: '/staff/catalog', label: 'staff.nav.catalog', adminOnly: false, page: () => <CatalogPage /> },
  { path: '/staff/users', label: 'staff.nav.users', adminOnly: true, page: () => <UsersPage /> },
];

export function isStaffPath(path: string): boolean {
  return path === '/staff' || ROUTES.some((r) => r.path === path);
}

/** The staff pages a role may open (none for a client: they never see staff navigation). */
export function staffLinks(role: Role | undefined): [string, Key][] {
  if (role !== 'MANAGER' && role !== 'ADMIN') return [];
  return ROUTES.filter((r) => !r.adminOnly || role === 'ADMIN').map((r) => [r.path, r.label]);
}

/** The staff page at a path, behind the gate that refuses clients (and managers on admin pages). */
export function StaffPage({ path }: { path: string }): ReactNode {
  const route = ROUTES.find((r) => r.path === path) ?? (path === '/staff' ? ROUTES[0] : undefined);
  if (!route) return null;
  return <StaffGate adminOnly={route.adminOnly}>{route.page()}</StaffGate>;
}

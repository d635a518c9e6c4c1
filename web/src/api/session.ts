/**
 * The session: the access token lives in memory only; the refresh token in IndexedDB
 * (tokenStore.ts), shared by every tab. The API rotates refresh tokens and revokes the
 * whole family when one is presented twice, so refreshes are serialised across tabs with
 * the Web Locks API and each refresh reads the newest token from storage inside the lock:
 * a tab never presents a token another tab has already traded in.
 */
import { Client, fetchExchange } from 'urql';
import { graphql } from '../gql';
import { clearRefreshToken, hasSession, readRefreshToken, writeRefreshToken } from './tokenStore';

const LOCK_NAME = 'repairbook.refresh';
const EARLY_MS = 60_000; // refresh this long before expiry (a quarter of short lifetimes)

export const RefreshDocument = graphql(`
  mutation Refresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      accessTokenExpiresAt
      refreshToken
    }
  }
`);

export const LogoutDocument = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`);

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

interface Access {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

let access: Access | null = null;
// Told by another tab that it signed out (its storage write may not have reached us yet).
let signedOutElsewhere = false;
let inflight: Promise<string | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('repairbook.session');

// A bare client for the token mutations: they must not pass through the auth exchange.
const bare = new Client({ url: '/graphql', exchanges: [fetchExchange], preferGetMethod: false });

/** Times this tab refreshed (read by the browser tests through the page). */
export let refreshCount = 0;

export function isSignedIn(): boolean {
  return access !== null || (hasSession() && !signedOutElsewhere);
}

export function currentAccessToken(): string | null {
  return access?.token ?? null;
}

/** True when a request should wait for a refresh first. */
export function needsRefresh(): boolean {
  if (access === null) return hasSession() && !signedOutElsewhere;
  return Date.now() >= refreshAt(access);
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}

function refreshAt(a: Access): number {
  const lifetime = a.expiresAt - a.issuedAt;
  return a.expiresAt - Math.min(EARLY_MS, lifetime / 4);
}

async function accept(tokens: Tokens): Promise<void> {
  await writeRefreshToken(tokens.refreshToken);
  signedOutElsewhere = false;
  access = { token: tokens.accessToken, issuedAt: Date.now(), expiresAt: Date.parse(tokens.accessTokenExpiresAt) };
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), Math.max(1_000, refreshAt(access) - Date.now()));
}

/** After sign-in, registration or a password change; the refresh lock keeps other tabs'
 * refreshes from reading storage half-way. */
export async function signedIn(tokens: Tokens): Promise<void> {
  await withLock(() => accept(tokens));
  channel?.postMessage('signed-in');
  notify();
}

async function forget(): Promise<void> {
  access = null;
  clearTimeout(timer);
  await clearRefreshToken();
}

export async function signOut(): Promise<void> {
  const refreshToken = await withLock(async () => {
    const stored = await readRefreshToken();
    await forget();
    return stored;
  });
  channel?.postMessage('signed-out');
  notify();
  if (refreshToken !== null) {
    await bare.mutation(LogoutDocument, { refreshToken }).toPromise();
  }
}

/** An access token valid for a while yet, refreshing first when needed (null: signed out). */
export async function freshAccessToken(): Promise<string | null> {
  if (access !== null && !needsRefresh()) return access.token;
  return refresh();
}

export function refresh(): Promise<string | null> {
  inflight ??= withLock(refreshNow).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request(LOCK_NAME, work);
  }
  return work();
}

async function refreshNow(): Promise<string | null> {
  const stored = await readRefreshToken();
  if (stored === null) {
    if (access !== null || hasSession()) {
      await forget();
      notify();
    }
    return null;
  }
  const result = await bare.mutation(RefreshDocument, { refreshToken: stored }).toPromise();
  const tokens = result.data?.refreshToken;
  if (tokens) {
    refreshCount += 1;
    const wasSignedIn = access !== null;
    await accept(tokens);
    if (!wasSignedIn) notify();
    return tokens.accessToken;
  }
  const dead = result.error?.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED');
  if (dead) {
    await forget();
    notify();
    return null;
  }
  return access?.token ?? null; // offline for now: keep what we have, try again later
}

channel?.addEventListener('message', (event: MessageEvent) => {
  if (event.data === 'signed-out') {
    signedOutElsewhere = true;
    access = null;
    clearTimeout(timer);
    notify();
  } else if (event.data === 'signed-in' && access === null) {
    signedOutElsewhere = false;
    void refresh();
  }
});

declare global {
  interface Window {
    repairbookSession?: { refreshCount: () => number; signedIn: () => boolean; refresh: () => Promise<boolean> };
  }
}
// For the browser tests (and a curious developer's console): nothing secret in here.
window.repairbookSession = {
  refreshCount: () => refreshCount,
  signedIn: () => access !== null,
  refresh: async () => (await refresh()) !== null,
};

/**
 * The session: the access token lives in memory only; the refresh token in localStorage,
 * shared by every tab. The API rotates refresh tokens and revokes the whole family when
 * one is presented twice, so refreshes are serialised across tabs with the Web Locks API
 * and each refresh reads the newest token from storage inside the lock: a tab never
 * presents a token another tab has already traded in.
 */
import { Client, fetchExchange } from 'urql';
import { graphql } from '../gql';

const STORAGE_KEY = 'repairbook.refreshToken';
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
let inflight: Promise<string | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('repairbook.session');

// A bare client for the token mutations: they must not pass through the auth exchange.
const bare = new Client({ url: '/graphql', exchanges: [fetchExchange], preferGetMethod: false });

/** Times this tab refreshed (read by the browser tests through the page). */
export let refreshCount = 0;

export function isSignedIn(): boolean {
  return access !== null || localStorage.getItem(STORAGE_KEY) !== null;
}

export function currentAccessToken(): string | null {
  return access?.token ?? null;
}

/** True when a request should wait for a refresh first. */
export function needsRefresh(): boolean {
  if (access === null) return localStorage.getItem(STORAGE_KEY) !== null;
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

function accept(tokens: Tokens): void {
  localStorage.setItem(STORAGE_KEY, tokens.refreshToken);
  access = { token: tokens.accessToken, issuedAt: Date.now(), expiresAt: Date.parse(tokens.accessTokenExpiresAt) };
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), Math.max(1_000, refreshAt(access) - Date.now()));
}

export function signedIn(tokens: Tokens): void {
  accept(tokens);
  channel?.postMessage('signed-in');
  notify();
}

function forget(): void {
  access = null;
  clearTimeout(timer);
  localStorage.removeItem(STORAGE_KEY);
}

export async function signOut(): Promise<void> {
  const refreshToken = localStorage.getItem(STORAGE_KEY);
  forget();
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
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === null) {
    if (access !== null) {
      forget();
      notify();
    }
    return null;
  }
  const result = await bare.mutation(RefreshDocument, { refreshToken: stored }).toPromise();
  const tokens = result.data?.refreshToken;
  if (tokens) {
    refreshCount += 1;
    const wasSignedIn = access !== null;
    accept(tokens);
    if (!wasSignedIn) notify();
    return tokens.accessToken;
  }
  const dead = result.error?.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED');
  if (dead && localStorage.getItem(STORAGE_KEY) === stored) {
    forget();
    notify();
    return null;
  }
  return access?.token ?? null; // offline for now: keep what we have, try again later
}

channel?.addEventListener('message', (event: MessageEvent) => {
  if (event.data === 'signed-out') {
    access = null;
    clearTimeout(timer);
    notify();
  } else if (event.data === 'signed-in' && access === null) {
    void refresh();
  }
});

declare global {
  interface Window {
    repairbookSession?: { refreshCount: () => number; signedIn: () => boolean };
  }
}
window.repairbookSession = { refreshCount: () => refreshCount, signedIn: () => access !== null };

/**
 * Where the refresh token is kept, shared by every tab: IndexedDB, not localStorage.
 * Chromium caches localStorage per renderer process and passes other tabs' writes on
 * asynchronously, so a tab taking the refresh lock just after another released it could
 * still read the token that tab had traded in (seen in the two-tab browser test): the API
 * would take that for theft and revoke the family. IndexedDB reads what was committed.
 * A plain flag in localStorage says synchronously whether there is a session at all.
 */
const DB = 'repairbook';
const STORE = 'session';
const KEY = 'refreshToken';
export const FLAG = 'repairbook.session';

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
  });
  return opened;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await database();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result as T);
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
  });
}

export async function readRefreshToken(): Promise<string | null> {
  const value = await run<unknown>('readonly', (store) => store.get(KEY));
  return typeof value === 'string' ? value : null;
}

export async function writeRefreshToken(token: string): Promise<void> {
  await run('readwrite', (store) => store.put(token, KEY));
  localStorage.setItem(FLAG, '1');
}

export async function clearRefreshToken(): Promise<void> {
  localStorage.removeItem(FLAG);
  await run('readwrite', (store) => store.delete(KEY));
}

export function hasSession(): boolean {
  return localStorage.getItem(FLAG) !== null;
}

#!/usr/bin/env node
// Prints the web app's budgets (figures, not a test): initial JS gzipped (≤ 200 KB), the
// booking board visible after navigation (≤ 1 s) and a booking made elsewhere visible on an
// open board, p99 over 20 changes (≤ 1 s). Needs a built app (scripts/build-web) and starts
// its own `repairbook dev` in a scratch data folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const web = resolve(import.meta.dirname, '..');
const root = resolve(web, '..');
const port = Number(process.env.REPAIRBOOK_BUDGET_PORT ?? 18766);
const base = `http://127.0.0.1:${port}`;

function initialJs() {
  const html = readFileSync(join(web, 'dist/index.html'), 'utf8');
  const entries = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return entries.reduce((sum, file) => sum + gzipSync(readFileSync(join(web, 'dist', file))).length, 0);
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} never answered`);
}

async function gql(query, variables, token) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const VIN = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
async function client(n) {
  const nick = `budget${Date.now().toString(36)}${n}`;
  const { register } = await gql('mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }', {
    i: { nick, password: 'budget-password-1', email: `${nick}@example.com`, firstName: 'B', lastName: 'B' },
  });
  const vin = Array.from({ length: 17 }, () => VIN[Math.floor(Math.random() * VIN.length)]).join('');
  const { carModels } = await gql('{ carModels { id } }');
  const { addCar } = await gql('mutation($i: CarInput!) { addCar(input: $i) { id } }', {
    i: { vin, plate: 'А123ВС77', stsNumber: '99 АА 123456', soldOn: '2020-01-01', mileageKm: 1000, carModelId: carModels[0].id },
  }, register.accessToken);
  const { repairOptions } = await gql('query($c: ID!) { repairOptions(carId: $c) { repairType { id } } }', { c: addCar.id }, register.accessToken);
  return { ...register, carId: addCar.id, repairTypeId: repairOptions[0].repairType.id };
}

function shopDay(offset) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

const p = (values, q) => values.slice().sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];

const dataDir = mkdtempSync(join(tmpdir(), 'repairbook-budgets-'));
const server = spawn(join(root, '.venv/bin/repairbook'), ['dev', '--port', String(port)], {
  cwd: root, env: { ...process.env, REPAIRBOOK_DATA_DIR: dataDir }, stdio: 'ignore',
});
try {
  console.log(`initial JS (gzipped): ${(initialJs() / 1024).toFixed(1)} KB (budget 200 KB)`);
  await waitFor(`${base}/readyz`);
  const browser = await chromium.launch({
    executablePath: process.env.REPAIRBOOK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const watcher = await client('w');
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto('/');
  await page.evaluate(async (t) => {
    const open = indexedDB.open('repairbook', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('session');
    await new Promise((r) => { open.onsuccess = r; });
    const tx = open.result.transaction('session', 'readwrite');
    tx.objectStore('session').put(t, 'refreshToken');
    await new Promise((r) => { tx.oncomplete = r; });
    localStorage.setItem('repairbook.session', '1');
  }, watcher.refreshToken);

  const day = shopDay(2);
  const visible = [];
  for (let i = 0; i < 5; i++) {
    await page.goto('/cabinet');
    await page.getByRole('heading', { level: 1 }).waitFor();
    const started = Date.now();
    await page.evaluate((d) => { history.pushState(null, '', `/booking?day=${d}`); dispatchEvent(new PopStateEvent('popstate')); }, day);
    await page.locator('table.slots tbody tr').first().waitFor();
    visible.push(Date.now() - started);
  }
  console.log(`board visible after navigation: median ${p(visible, 0.5)} ms, max ${Math.max(...visible)} ms over ${visible.length} (budget 1000 ms)`);

  const latencies = [];
  const slots = (await gql('query($d: Date!) { availability(date: $d) { slots { startsAt bookable receptionist { id } } } }', { d: day })).availability.slots.filter((s) => s.bookable);
  for (let i = 0; i < 20; i++) {
    const booker = await client(i);
    const slot = slots[i];
    const before = await page.locator('table.slots .slot--booked').count();
    const started = Date.now();
    await gql('mutation($i: BookSlotInput!) { bookSlot(input: $i) { id } }', {
      i: { receptionistId: slot.receptionist.id, startsAt: slot.startsAt, carId: booker.carId, repairTypeId: booker.repairTypeId },
    }, booker.accessToken);
    await page.waitForFunction((n) => document.querySelectorAll('table.slots .slot--booked').length > n, before, { polling: 'raf' });
    latencies.push(Date.now() - started);
  }
  console.log(`booking elsewhere visible on the open board: p50 ${p(latencies, 0.5)} ms, p99 ${p(latencies, 0.99)} ms over ${latencies.length} (budget 1000 ms; from the request, so it includes the booking's own commit)`);
  await browser.close();
} finally {
  server.kill('SIGINT');
  await new Promise((r) => server.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}

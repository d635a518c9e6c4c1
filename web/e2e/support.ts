import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { dataDir } from '../playwright.config';

let counter = 0;

export interface Client {
  nick: string;
  email: string;
  password: string;
}

export function newClient(): Client {
  counter += 1;
  const nick = `c${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`;
  return { nick, email: `${nick}@example.com`, password: 'correct-horse-battery' };
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
export function randomVin(): string {
  return Array.from({ length: 17 }, () => VIN_CHARS[Math.floor(Math.random() * VIN_CHARS.length)]).join('');
}

/** Tomorrow in the shop's time zone, as YYYY-MM-DD. */
export function shopDay(offset = 1): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

/**
 * Registers through the page and, unless `verify: false`, follows the verification link
 * the mail sink received (a client books only with a verified address); ends on /cars.
 */
export async function register(page: Page, client = newClient(), { verify = true } = {}): Promise<Client> {
  await page.goto('/register');
  await page.getByLabel('Ник', { exact: true }).fill(client.nick);
  await page.getByLabel('Эл. почта').fill(client.email);
  await page.getByLabel('Пароль', { exact: true }).fill(client.password);
  await page.getByLabel('Фамилия').fill('Петров');
  await page.getByLabel('Имя', { exact: true }).fill('Иван');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  if (verify) {
    await verifyEmail(page, client.email);
    await page.goto('/cars');
    await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  }
  return client;
}

/** Opens the newest verification link mailed to `email` (the API's page) and confirms. */
export async function verifyEmail(page: Page, email: string): Promise<void> {
  const link = await newestLink(email, '/verify');
  await page.goto(link);
  await page.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(page.getByRole('heading', { name: 'Адрес подтверждён' })).toBeVisible();
}

/** The newest link to `path` in the mail the sink saved for `address`, waiting for it. */
export async function newestLink(address: string, path: '/verify' | '/reset-password', { after = 0 } = {}): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(() => (link = linkIn(address, path, after)), { timeout: 30_000, message: `a ${path} link mailed to ${address}` })
    .toBeTruthy();
  return link ?? '';
}

function linkIn(address: string, path: string, after: number): string | undefined {
  const folder = join(dataDir, 'mail');
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.eml'));
  } catch {
    return undefined;
  }
  const newestFirst = names
    .map((name) => ({ name, at: statSync(join(folder, name)).mtimeMs }))
    .filter(({ at }) => at >= after)
    .sort((a, b) => b.at - a.at);
  const pattern = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[^\\s"<>&]+`);
  for (const { name } of newestFirst) {
    const text = decodedMail(readFileSync(join(folder, name), 'utf8'));
    if (!text.includes(address)) continue;
    const found = pattern.exec(text)?.[0];
    if (found) return found;
  }
  return undefined;
}

/** The raw message with its quoted-printable soft breaks undone and base64 parts decoded. */
function decodedMail(raw: string): string {
  const parts = [raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))];
  for (const match of raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) {
    parts.push(Buffer.from((match[1] ?? '').replace(/\s/g, ''), 'base64').toString('utf8'));
  }
  return parts.join('\n');
}

export async function addCar(page: Page, model = 'Kia Rio (IV)'): Promise<string> {
  await page.goto('/cars');
  await page.getByRole('button', { name: 'Добавить автомобиль' }).click();
  const vin = randomVin();
  await page.getByLabel('VIN').fill(vin);
  await page.getByLabel('Госномер').fill('а123вс77');
  await page.getByLabel('Номер СТС').fill('99 АА 123456');
  await page.getByLabel('Дата продажи').fill('2021-05-14');
  await page.getByLabel('Пробег, км').fill('42000');
  await page.getByRole('radio', { name: model }).check();
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  await expect(page.getByRole('heading', { name: model })).toBeVisible();
  return vin;
}

/** The board of a day: the page shows its calendar, then the day's table. */
export async function openDay(page: Page, date: string): Promise<void> {
  await page.goto(`/booking?day=${date}`);
  await expect(page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Время' }) })).toBeVisible();
}

/**
 * The surname of the first advisor with a free slot at `time` on the open board: who works
 * depends on the weekday (working time), so tests do not name one.
 */
export async function freeAdvisor(page: Page, time: string): Promise<string> {
  const slot = page.getByRole('button', { name: new RegExp(`^${time}, .*Записаться$`) }).first();
  await expect(slot).toBeVisible();
  const label = (await slot.getAttribute('aria-label')) ?? '';
  const surname = /^[^,]+, (\S+)/.exec(label)?.[1];
  if (!surname) throw new Error(`no advisor in the slot's label ${label}`);
  return surname;
}

export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Screenshots at a phone's and a desktop's width, for a reviewer to look at. */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `screenshots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The .eml files the dev mail sink saved for one address. */
export function mailTo(address: string): string[] {
  const folder = join(dataDir, 'mail');
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
  return names.map((n) => readFileSync(join(folder, n), 'utf8')).filter((text) => text.includes(address));
}

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** `repairbook users verify`: staff vouch for the address (booking needs a verified one). */
export function verify(nick: string): void {
  const root = resolve(import.meta.dirname, '..', '..');
  execFileSync(`${root}/.venv/bin/repairbook`, ['users', 'verify', nick], { cwd: root, env: { ...process.env, REPAIRBOOK_DATA_DIR: dataDir }, stdio: 'pipe' });
}

export async function register(page: Page, client = newClient()): Promise<Client> {
  await page.goto('/register');
  await page.getByLabel('Ник', { exact: true }).fill(client.nick);
  await page.getByLabel('Эл. почта').fill(client.email);
  await page.getByLabel('Пароль', { exact: true }).fill(client.password);
  await page.getByLabel('Фамилия').fill('Петров');
  await page.getByLabel('Имя', { exact: true }).fill('Иван');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  verify(client.nick);
  return client;
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

/** Who has the first bookable slot at `time` on the open board (receptionists work in shifts). */
export async function freeReceptionistAt(page: Page, time: string): Promise<string> {
  const label = (await page.getByRole('button', { name: new RegExp(`^${time}, .*Записаться$`) }).first().getAttribute('aria-label')) ?? '';
  return label.slice(time.length + 2, label.indexOf(':', time.length + 2));
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

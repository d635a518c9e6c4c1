import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import { dataDir } from '../playwright.config';
import { newClient, verifyEmail, type Client } from './support';

const root = resolve(import.meta.dirname, '..', '..');

/** `repairbook users set-role` against the running dev server's database. */
export function setRole(nick: string, role: 'client' | 'manager' | 'admin'): void {
  execFileSync(`${root}/.venv/bin/repairbook`, ['users', 'set-role', nick, role], {
    cwd: root,
    env: { ...process.env, REPAIRBOOK_DATA_DIR: dataDir },
    stdio: 'pipe',
  });
}

/** Registers through the page, optionally agreeing to campaigns. */
export async function registerAs(page: Page, { optIn = false, lastName = 'Петров', client = newClient() } = {}): Promise<Client> {
  await page.goto('/register');
  await page.getByLabel('Ник', { exact: true }).fill(client.nick);
  await page.getByLabel('Эл. почта').fill(client.email);
  await page.getByLabel('Пароль', { exact: true }).fill(client.password);
  await page.getByLabel('Фамилия').fill(lastName);
  await page.getByLabel('Имя', { exact: true }).fill('Иван');
  if (optIn) await page.getByLabel('Получать новости и предложения сервиса').check();
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  await verifyEmail(page, client.email); // clients book, and campaigns reach, verified addresses only
  await page.goto('/cars');
  await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  return client;
}

/** A new user made a manager (or admin), in a browser context of their own. */
export async function staffPage(browser: Browser, role: 'manager' | 'admin' = 'manager'): Promise<{ page: Page; user: Client }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const user = await registerAs(page, { lastName: 'Сотрудник' });
  setRole(user.nick, role);
  await page.goto('/staff/board');
  await expect(page.getByRole('heading', { name: 'Доска записей' })).toBeVisible();
  return { page, user };
}

export async function openStaffDay(page: Page, date: string): Promise<void> {
  await page.goto(`/staff/board?day=${date}`);
  await expect(page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Время' }) })).toBeVisible();
}

function decodeWords(text: string): string {
  return text.replace(/=\?utf-8\?b\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Every .eml the dev mail sink saved, with base64 parts and encoded headers decoded. */
export function allMail(): Mail[] {
  const folder = join(dataDir, 'mail');
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
  return names.map((name) => {
    const raw = readFileSync(join(folder, name), 'utf8');
    const header = (field: string) => {
      const folded = new RegExp(`^${field}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw)?.[1] ?? '';
      return decodeWords(folded.replace(/\r?\n[ \t]/g, ' ').replace(/\?=\s+=\?/g, '?==?'));
    };
    const parts: string[] = [];
    for (const match of raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) {
      parts.push(Buffer.from((match[1] ?? '').replace(/\s/g, ''), 'base64').toString('utf8'));
    }
    return { to: header('To'), subject: header('Subject'), text: `${raw}\n${parts.join('\n')}` };
  });
}

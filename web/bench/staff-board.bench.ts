/**
 * Figures for the manager's board, printed (no assertion on time):
 *  1. the full board, 8 receptionists × 24 slots all booked with details, renders within
 *     N ms after its data arrived (the last /graphql response before the table's first frame);
 *  2. with 5 staff boards open, a booking made elsewhere (over the API) is on every board
 *     within N ms: p50/p99/max over 20 changes × 5 boards, measured in each page by a
 *     MutationObserver against the wall clock the change was sent at.
 */
import { test, type Page } from '@playwright/test';
import { randomVin, shopDay } from '../e2e/support';
import { setRole } from '../e2e/staff-support';

const LETTERS = 'абвгдежзиклмнопрстуфхцчшщэюя';
let serial = 0;

async function gql(page: Page, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Record<string, unknown>> {
  const response = await page.request.post('/graphql', {
    data: { query, variables },
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data ?? {};
}

interface Person {
  nick: string;
  token: string;
  password: string;
}

async function person(page: Page, lastName: string): Promise<Person> {
  serial += 1;
  const nick = `b${Date.now().toString(36)}${serial}`;
  const password = 'correct-horse-battery';
  const data = await gql(page, 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }', {
    i: { nick, password, email: `${nick}@example.com`, firstName: 'Иван', lastName },
  });
  return { nick, password, token: (data.register as { accessToken: string }).accessToken };
}

async function login(page: Page, who: Person): Promise<string> {
  const data = await gql(page, 'mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }', { l: who.nick, p: who.password });
  return (data.login as { accessToken: string }).accessToken;
}

async function carOf(page: Page, who: Person, modelId: string): Promise<string> {
  const data = await gql(page, 'mutation ($i: CarInput!) { addCar(input: $i) { id } }', {
    i: { vin: randomVin(), plate: 'А123ВС77', stsNumber: '99 АА 123456', soldOn: '2021-05-14', mileageKm: 42000, carModelId: modelId },
  }, who.token);
  return (data.addCar as { id: string }).id;
}

interface Slot {
  startsAt: string;
  bookable: boolean;
  receptionist: { id: string; fullName: string };
}

async function slotsOf(page: Page, date: string): Promise<Slot[]> {
  const data = await gql(page, 'query ($d: Date!) { availability(date: $d) { slots { startsAt bookable receptionist { id fullName } } } }', { d: date });
  return (data.availability as { slots: Slot[] }).slots;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function signInPage(page: Page, who: Person, url: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Ник или эл. почта').fill(who.nick);
  await page.getByLabel('Пароль', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(/\/booking/);
  await page.goto(url);
  await page.locator('table.slots--staff').waitFor();
}

test('staff board figures', async ({ page, browser }) => {
  const manager = await person(page, 'Менеджер');
  setRole(manager.nick, 'manager');
  manager.token = await login(page, manager);
  // Access tokens live a minute under the e2e server: sign in again every 30 s.
  let signedAt = Date.now();
  const token = async () => {
    if (Date.now() - signedAt > 30_000) {
      manager.token = await login(page, manager);
      signedAt = Date.now();
    }
    return manager.token;
  };
  const receptionists = (await gql(page, '{ receptionists { id } }')).receptionists as unknown[];
  for (let i = receptionists.length; i < 8; i++) {
    await gql(page, 'mutation ($i: ReceptionistInput!) { createReceptionist(input: $i) { id } }', { i: { lastName: `Приёмщик${LETTERS[i]}`, firstName: 'Пётр' } }, await token());
  }
  const modelId = ((await gql(page, '{ carModels { id } }')).carModels as { id: string }[])[0]?.id ?? '';
  const repairTypeId = ((await gql(page, 'query ($m: ID) { repairTypes(carModelId: $m) { id } }', { m: modelId }, await token())).repairTypes as { id: string }[])[0]?.id ?? '';
  const book = async (carId: string, slot: Slot) =>
    gql(page, 'mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id } }', { i: { receptionistId: slot.receptionist.id, startsAt: slot.startsAt, carId, repairTypeId } }, await token());

  // 1. The full board.
  const full = shopDay(30);
  const slots = (await slotsOf(page, full)).filter((s) => s.bookable);
  for (const [i, slot] of slots.entries()) {
    const client = await person(page, `Клиент${LETTERS[i % LETTERS.length]}${LETTERS[Math.floor(i / LETTERS.length)]}`);
    await book(await carOf(page, client, modelId), slot);
  }
  const desk = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signInPage(desk, manager, `/staff/board?day=${full}`);
  const renders: number[] = [];
  for (let run = 0; run < 5; run++) {
    await desk.reload();
    await desk.locator('table.slots--staff').waitFor();
    const details = await desk.locator('button.slot--detail').count();
    const ms = await desk.evaluate(async () => {
      for (let i = 0; i < 100 && performance.getEntriesByName('staff-board-rendered').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const rendered = performance.getEntriesByName('staff-board-rendered')[0]?.startTime ?? NaN;
      const arrived = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/graphql') && (e as PerformanceResourceTiming).responseEnd <= rendered)
        .map((e) => (e as PerformanceResourceTiming).responseEnd);
      return rendered - Math.max(...arrived);
    });
    renders.push(ms);
    console.log(`full board: ${slots.length} bookings, ${details} detail cells, rendered ${ms.toFixed(0)} ms after its data`);
  }
  console.log(`FIGURE full board render after data: median ${percentile(renders, 50).toFixed(0)} ms, max ${Math.max(...renders).toFixed(0)} ms (budget 300 ms)`);

  // 2. Five boards open, twenty changes made elsewhere.
  const live = shopDay(31);
  const boards: Page[] = [];
  for (let i = 0; i < 5; i++) {
    const board = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInPage(board, manager, `/staff/board?day=${live}`);
    boards.push(board);
  }
  await new Promise((r) => setTimeout(r, 1500)); // subscriptions up
  const free = (await slotsOf(page, live)).filter((s) => s.bookable);
  const delays: number[] = [];
  for (let i = 0; i < 20; i++) {
    const slot = free[i * 3];
    if (!slot) break;
    const lastName = `Живой${LETTERS[i]}`;
    const client = await person(page, lastName);
    const carId = await carOf(page, client, modelId);
    const label = `${slot.startsAt.slice(11, 16)}, ${slot.receptionist.fullName}: ${lastName} Иван`;
    const seen = boards.map((board) =>
      board.evaluate(
        (prefix) =>
          new Promise<number>((resolve) => {
            const found = () => Array.from(document.querySelectorAll('button.slot--detail')).some((b) => b.textContent.startsWith(prefix));
            const observer = new MutationObserver(() => {
              if (found()) {
                observer.disconnect();
                resolve(Date.now());
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          }),
        label,
      ),
    );
    const sent = Date.now();
    await book(carId, slot);
    for (const at of await Promise.all(seen)) delays.push(at - sent);
  }
  console.log(
    `FIGURE change on 5 open staff boards: ${delays.length} samples, p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms, max ${Math.max(...delays)} ms (budget 1000 ms p99)`,
  );
});

import { expect, test, type Page } from '@playwright/test';
import { addCar, expectAccessible, openDay, screenshots, shopDay } from './support';
import { allMail, openStaffDay, registerAs, staffPage } from './staff-support';

// Runs after the other specs (file order): the weekly plan it changes at the end would move
// their receptionists' columns.

const WEEKDAY = ['Воскресенье', 'Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'];

/** The first receptionist column of the open day's board. */
async function firstColumn(page: Page): Promise<string> {
  const board = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Время' }) });
  return ((await board.getByRole('columnheader').nth(1).textContent()) ?? '').trim();
}

async function openWorkingTime(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Рабочее время' }).click();
  await expect(page.getByRole('heading', { name: 'Рабочее время приёмщиков' })).toBeVisible();
  await page.getByLabel('Приёмщик').selectOption({ label: name });
  await expect(page.getByRole('heading', { name: 'Недельный график' })).toBeVisible();
}

test('a manager gives a receptionist a break on a day, and both boards show those slots closed for the break', async ({ browser, page }) => {
  const day = shopDay(30);
  await registerAs(page, { lastName: 'Перерывов' });
  await addCar(page);
  await openDay(page, day);
  const name = await firstColumn(page);
  // Before: 17:00 is free with this receptionist (the demo lunches are at noon).
  await expect(page.getByRole('button', { name: `17:00, ${name}: Свободно. Записаться` })).toBeVisible();

  const { page: desk } = await staffPage(browser);
  await openStaffDay(desk, day);
  await expect(desk.getByRole('button', { name: `17:00, ${name}: Свободно. Записать клиента` })).toBeVisible();
  await openWorkingTime(desk, name);

  const add = desk.getByRole('form', { name: 'Добавить исключение' });
  await add.getByLabel('С даты').fill(day);
  await add.getByLabel('По дату (включительно)').fill(day);
  await add.getByLabel('Другие часы работы').check();
  const hours = add.getByRole('group', { name: 'Что в эти дни' });
  // Before the shop opens: refused, the error at its field.
  await hours.getByLabel('С', { exact: true }).fill('07:00');
  await add.getByRole('button', { name: 'Добавить исключение' }).click();
  await expect(hours.getByLabel('С', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await hours.getByLabel('С', { exact: true }).fill('08:00');
  await hours.getByLabel('До', { exact: true }).fill('20:00');
  await hours.getByRole('button', { name: /Добавить перерыв/ }).click();
  await hours.getByLabel('Перерыв 1: с').fill('17:00');
  await hours.getByLabel('Перерыв 1: до').fill('18:00');
  await add.getByLabel('Заметка для сотрудников').fill('К врачу');
  await add.getByRole('button', { name: 'Добавить исключение' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'Исключение сохранено' })).toBeVisible();
  await expect(desk.getByText(/17:00–18:00.*К врачу/)).toBeVisible();
  await expectAccessible(desk);

  // The client's board, open all along, greys the break out without a reload.
  await expect(page.getByRole('img', { name: `17:00, ${name}: Перерыв` })).toBeVisible();
  await expect(page.getByRole('img', { name: `17:30, ${name}: Перерыв` })).toBeVisible();
  await expect(page.getByRole('button', { name: `18:00, ${name}: Свободно. Записаться` })).toBeVisible();

  await openStaffDay(desk, day);
  await expect(desk.getByRole('img', { name: `17:00, ${name}: Перерыв` })).toBeVisible();
  await expect(desk.getByRole('img', { name: `17:00, ${name}: Перерыв` })).toHaveText('Перерыв');
  await expectAccessible(desk);
});

test('a plan change that hits a booking lists the bookings in the way, and cancels them only when asked, with a reason', async ({ browser, page }) => {
  const day = shopDay(31);
  const client = await registerAs(page, { lastName: 'Мешающий' });
  await addCar(page);
  await openDay(page, day);
  const name = await firstColumn(page);
  await page.getByRole('button', { name: `10:00, ${name}: Свободно. Записаться` }).click();
  const book = page.getByRole('dialog', { name: 'Запись на визит' });
  await book.getByRole('radio', { name: /^ТО-1/ }).check();
  await book.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toBeVisible();

  const { page: desk } = await staffPage(browser);
  await openWorkingTime(desk, name);
  const weekday = WEEKDAY[new Date(`${day}T00:00:00Z`).getUTCDay()] ?? '';
  const plan = desk.getByRole('region', { name: 'Недельный график' });
  await plan.getByRole('group', { name: weekday }).getByLabel('Работает').uncheck();
  await plan.getByRole('button', { name: 'Сохранить график' }).click();

  const way = desk.getByRole('alert').filter({ hasText: 'Мешают записи' });
  await expect(way).toBeVisible();
  const [y, m, d] = day.split('-').map(Number);
  await expect(way.getByRole('link', { name: new RegExp(`^${d} \\S+ ${y}, 10:00, запись №\\d+$`) })).toBeVisible();
  expect(m).toBeGreaterThan(0);
  await expectAccessible(desk);
  await screenshots(desk, 'working-time-in-the-way');
  await desk.setViewportSize({ width: 360, height: 800 });
  await way.screenshot({ path: 'screenshots/working-time-in-the-way-panel-360.png' });
  await desk.setViewportSize({ width: 1280, height: 800 });

  // Nothing changed: the client's booking stands.
  await expect(page.getByRole('cell', { name: /10:00.*Ваша запись/ })).toBeVisible();

  await way.getByLabel('Отменить эти записи (клиентам придёт письмо)').check();
  await way.getByRole('button', { name: 'Применить и отменить записи' }).click();
  await expect(way.getByText('Напишите причину: клиенты увидят её в письме.')).toBeVisible();
  const reason = `Приёмщик переходит на другой график ${Date.now()}`;
  await way.getByLabel('Причина отмены (клиенты увидят её в письме)').fill(reason);
  await way.getByRole('button', { name: 'Применить и отменить записи' }).click();
  await expect(desk.getByRole('status').filter({ hasText: /График сохранён.*Отменено записей: \d+; клиентам отправлены письма/ })).toBeVisible();
  await expect(plan.getByRole('group', { name: weekday }).getByText('Выходной')).toBeVisible();

  // The client's board, open all along, shows the receptionist gone from that day.
  await expect(page.getByRole('columnheader', { name, exact: true })).toHaveCount(0);
  await expect.poll(() => allMail().filter((mail) => mail.to.includes(client.email) && mail.text.includes(reason)).length, { timeout: 30_000 }).toBe(1);

  // The page in both languages, for a reviewer.
  await desk.setViewportSize({ width: 1280, height: 800 });
  await desk.screenshot({ path: 'screenshots/working-time-ru-1280.png', fullPage: true });
  await desk.getByLabel('Язык').selectOption('en');
  await expect(desk.getByRole('heading', { name: "Receptionists' working time" })).toBeVisible();
  await expectAccessible(desk);
  await desk.screenshot({ path: 'screenshots/working-time-en-1280.png', fullPage: true });
  await desk.setViewportSize({ width: 360, height: 800 });
  await desk.screenshot({ path: 'screenshots/working-time-en-360.png', fullPage: true });
  await desk.getByLabel('Language').selectOption('ru');
});

test('a client books a time with any receptionist, and the picker counts one fewer free', async ({ page }) => {
  const day = shopDay(32);
  await registerAs(page, { lastName: 'Любой' });
  await addCar(page);
  await openDay(page, day);
  await page.getByLabel('Только время: любой свободный приёмщик').check();
  const times = page.getByRole('list', { name: 'Время записи на этот день' });
  const take = times.getByRole('button', { name: /^11:30: свободно приёмщиков: \d+\. Записаться$/ });
  const before = Number(/приёмщиков: (\d+)/.exec((await take.getAttribute('aria-label')) ?? '')?.[1]);
  expect(before).toBeGreaterThan(0);
  await expectAccessible(page);
  await screenshots(page, 'booking-any-receptionist');
  await take.click();
  const book = page.getByRole('dialog', { name: 'Запись на визит' });
  await expect(book.getByText('Любой свободный приёмщик')).toBeVisible();
  await book.getByRole('radio', { name: /^ТО-1/ }).check();
  await book.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toBeVisible();
  if (before > 1) await expect(times.getByRole('button', { name: `11:30: свободно приёмщиков: ${before - 1}. Записаться` })).toBeVisible();
  else await expect(times.getByRole('button', { name: /^11:30:/ })).toHaveCount(0);
});

import { expect, test } from '@playwright/test';
import { addCar, expectAccessible, openDay, screenshots, shopDay } from './support';
import { allMail, openStaffDay, registerAs, staffPage } from './staff-support';

test('a manager books for a client found by search, and the client sees it live', async ({ browser, page }) => {
  const client = await registerAs(page, { lastName: 'Звонарёв' });
  await addCar(page);
  const day = shopDay(3);
  await openDay(page, day);

  const { page: desk } = await staffPage(browser);
  await openStaffDay(desk, day);
  await expectAccessible(desk);
  await desk.getByRole('button', { name: /^11:00, .*Записать клиента$/ }).first().click();
  const dialog = desk.getByRole('dialog', { name: 'Запись клиента' });
  await dialog.getByLabel('Поиск клиента').fill(client.nick);
  await dialog.getByRole('button', { name: new RegExp(client.nick) }).click();
  await dialog.getByRole('radio', { name: /Kia Rio \(IV\)/ }).check();
  await dialog.getByRole('radio', { name: /^ТО-1/ }).check();
  await expect(dialog.getByText(/Записать Звонарёв Иван на/)).toBeVisible();
  await expectAccessible(desk);
  await screenshots(desk, 'staff-book-dialog');
  await dialog.getByRole('button', { name: 'Записать', exact: true }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'Звонарёв Иван записан(а)' })).toBeVisible();
  // The desk's cell carries the client, the car and the repair.
  await expect(desk.getByRole('button', { name: /^11:00, .*Звонарёв Иван\s*,\s*Kia Rio \(IV\)\s*,\s*[^,]+,\s*ТО-1/ })).toBeVisible();

  // The client's own browser, open all along, shows it without a reload.
  await expect(page.getByRole('cell', { name: /11:00.*Ваша запись/ })).toBeVisible();
});

test('a manager cancels with a reason, and the client is emailed the reason', async ({ browser, page }) => {
  const client = await registerAs(page, { lastName: 'Отменов' });
  await addCar(page);
  const day = shopDay(4);
  await openDay(page, day);
  await page.getByRole('button', { name: /^12:00, .*Записаться$/ }).first().click();
  const book = page.getByRole('dialog', { name: 'Запись на визит' });
  await book.getByRole('radio', { name: /^ТО-1/ }).check();
  await book.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toBeVisible();

  const { page: desk } = await staffPage(browser);
  await openStaffDay(desk, day);
  await desk.getByRole('button', { name: /^12:00, .*Отменов Иван/ }).click();
  const details = desk.getByRole('dialog', { name: 'Запись' });
  await expect(details.getByText(client.email)).toBeVisible();
  await details.getByRole('button', { name: 'Отменить запись' }).click();
  await details.getByRole('button', { name: 'Отменить и уведомить клиента' }).click();
  await expect(details.getByText('Напишите причину: клиент увидит её в письме.')).toBeVisible();
  await expectAccessible(desk);
  await screenshots(desk, 'staff-cancel-dialog');
  const reason = `Мастер заболел ${Date.now()}`;
  await details.getByLabel('Причина отмены').fill(reason);
  await details.getByRole('button', { name: 'Отменить и уведомить клиента' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'клиенту отправлено письмо' })).toBeVisible();
  await expect(desk.getByRole('button', { name: /^12:00, .*Отменов Иван/ })).toHaveCount(0);

  await expect.poll(() => allMail().filter((m) => m.to.includes(client.email) && m.text.includes(reason)).length, { timeout: 30_000 }).toBe(1);
});

test('a manager moves a booking to another free slot and closes a day with a note', async ({ browser, page }) => {
  await registerAs(page, { lastName: 'Переносов' });
  await addCar(page);
  const day = shopDay(5);
  await openDay(page, day);
  await page.getByRole('button', { name: /^13:00, .*Записаться$/ }).first().click();
  const book = page.getByRole('dialog', { name: 'Запись на визит' });
  await book.getByRole('radio', { name: /^ТО-1/ }).check();
  await book.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toBeVisible();

  const { page: desk } = await staffPage(browser);
  await openStaffDay(desk, day);
  await desk.getByRole('button', { name: /^13:00, .*Переносов Иван/ }).click();
  await desk.getByRole('dialog', { name: 'Запись' }).getByRole('button', { name: 'Перенести' }).click();
  await expect(desk.getByText(/Перенос записи: Переносов Иван/)).toBeVisible();
  await desk.getByRole('button', { name: /^15:00, .*Перенести сюда$/ }).first().click();
  await desk.getByRole('dialog', { name: 'Перенести запись?' }).getByRole('button', { name: 'Перенести' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'перенесена' })).toBeVisible();
  await expect(desk.getByRole('button', { name: /^15:00, .*Переносов Иван/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: /15:00.*Ваша запись/ })).toBeVisible();
  await screenshots(desk, 'staff-board');

  const holiday = shopDay(20);
  await openStaffDay(desk, holiday);
  await desk.getByLabel('Причина (видна клиентам)').fill('Санитарный день');
  await desk.getByRole('button', { name: 'Закрыть день' }).click();
  await expect(desk.getByText(/сервис закрыт: Санитарный день/)).toBeVisible();
  await expectAccessible(desk);
  await screenshots(desk, 'staff-board-closed');
  await desk.getByRole('button', { name: 'Открыть день' }).click();
  await expect(desk.getByRole('button', { name: 'Закрыть день' })).toBeVisible();
});

test('after the websocket drops, the board re-reads the day and says the connection was lost', async ({ browser }) => {
  const { page: desk } = await staffPage(browser);
  const sockets: { close: (options?: { code?: number; reason?: string }) => Promise<void> }[] = [];
  await desk.routeWebSocket(/\/graphql$/, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await openStaffDay(desk, shopDay(7));
  await expect.poll(() => sockets.length).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 500)); // the subscription is up
  for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'test drop' });
  await expect(desk.getByRole('status').filter({ hasText: 'Связь с сервером прерывалась; день перечитан' })).toBeVisible();
  await expect(desk.getByRole('button', { name: /^08:00, .*Записать клиента$/ }).first()).toBeVisible();
});

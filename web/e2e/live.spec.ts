import { expect, test } from '@playwright/test';
import { addCar, freeAdvisor, openDay, register, shopDay } from './support';

test('an open board turns a slot booked when another client books it elsewhere', async ({ browser }) => {
  const day = shopDay(3);
  const watcherContext = await browser.newContext();
  const bookerContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  const booker = await bookerContext.newPage();

  await register(watcher);
  await addCar(watcher);
  await openDay(watcher, day);
  await register(booker);
  await addCar(booker);
  await openDay(booker, day);

  const advisor = await freeAdvisor(watcher, '11:30');
  const free = watcher.getByRole('button', { name: new RegExp(`^11:30, ${advisor} .*Записаться$`) });
  await expect(free).toBeVisible();
  await booker.getByRole('button', { name: new RegExp(`^11:30, ${advisor} .*Записаться$`) }).click();
  const dialog = booker.getByRole('dialog');
  await dialog.getByRole('radio', { name: /^Диагностика/ }).check();
  await dialog.getByRole('button', { name: 'Записаться' }).click();
  await expect(booker.getByText('Вы записаны')).toBeVisible();

  // No reload: the subscription brings the change.
  await expect(watcher.getByRole('img', { name: new RegExp(`^11:30, ${advisor} .*: Занято$`) })).toBeVisible();
  await expect(free).toHaveCount(0);

  // The watcher, too slow, tries the slot the moment before it learnt: told in plain words.
  await watcherContext.close();
  await bookerContext.close();
});

test('a slot taken between seeing and confirming is explained and the board re-read', async ({ browser }) => {
  const day = shopDay(4);
  const slow = await (await browser.newContext()).newPage();
  const fast = await (await browser.newContext()).newPage();
  await register(slow);
  await addCar(slow);
  await register(fast);
  await addCar(fast);
  await openDay(slow, day);
  await openDay(fast, day);

  const advisor = await freeAdvisor(slow, '15:00');
  const slot = new RegExp(`^15:00, ${advisor} .*Записаться$`);
  await slow.getByRole('button', { name: slot }).click();
  const dialog = slow.getByRole('dialog');
  await dialog.getByRole('radio', { name: /^Диагностика/ }).check();

  await fast.getByRole('button', { name: slot }).click();
  await fast.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await fast.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(fast.getByText('Вы записаны')).toBeVisible();

  await dialog.getByRole('button', { name: 'Записаться' }).click();
  await expect(dialog.getByRole('alert')).toContainText('только что занял другой клиент');
  await dialog.getByRole('button', { name: 'Закрыть' }).click();
  await expect(slow.getByRole('img', { name: new RegExp(`^15:00, ${advisor} .*: Занято$`) })).toBeVisible();
});

test('one booking per day is stated before a second, and refused in plain words', async ({ page }) => {
  const day = shopDay(5);
  await register(page);
  await addCar(page);
  await openDay(page, day);
  await page.getByRole('button', { name: /^09:00, .*Записаться$/ }).first().click();
  await page.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByText('Вы записаны')).toBeVisible();
  await page.reload();
  await expect(page.getByText('У вас уже есть запись на этот день (09:00)')).toBeVisible();
  await page.getByRole('button', { name: /^12:00, .*Записаться$/ }).first().click();
  await page.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('В один день можно записаться только один раз');
});

test('a booking is moved to another free slot', async ({ page }) => {
  const day = shopDay(6);
  await register(page);
  await addCar(page);
  await openDay(page, day);
  await page.getByRole('button', { name: /^13:00, .*Записаться$/ }).first().click();
  await page.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByText('Вы записаны')).toBeVisible();
  await page.goto('/my-bookings');
  await page.getByRole('link', { name: 'Перенести запись на 13:00' }).click();
  await expect(page.getByRole('heading', { name: 'Перенос записи' })).toBeVisible();
  await page.getByRole('button', { name: /^16:30, .*Записаться$/ }).first().click();
  await page.getByRole('dialog', { name: 'Перенести запись?' }).getByRole('button', { name: 'Перенести' }).click();
  await expect(page.getByText('Запись перенесена.')).toBeVisible();
  await expect(page.getByRole('heading', { name: /16:30–17:00/ })).toBeVisible();
});

test('my bookings show at once a booking made and cancelled elsewhere (myBookingChanged)', async ({ browser }) => {
  const day = shopDay(8);
  const here = await (await browser.newContext()).newPage();
  const client = await register(here);
  await addCar(here);
  await here.goto('/my-bookings');
  await expect(here.getByText('Предстоящих записей нет.')).toBeVisible();

  const elsewhere = await (await browser.newContext()).newPage();
  await elsewhere.goto('/sign-in');
  await elsewhere.getByLabel('Ник или эл. почта').fill(client.nick);
  await elsewhere.getByLabel('Пароль').fill(client.password);
  await elsewhere.getByRole('button', { name: 'Войти' }).click();
  await expect(elsewhere.getByRole('heading', { name: 'Запись в сервис' })).toBeVisible();
  await openDay(elsewhere, day);
  await elsewhere.getByRole('button', { name: /^17:00, .*Записаться$/ }).first().click();
  await elsewhere.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await elsewhere.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(here.getByRole('heading', { name: /17:00–17:30/ })).toBeVisible();

  await elsewhere.goto('/my-bookings');
  await elsewhere.getByRole('button', { name: 'Отменить запись на 17:00' }).click();
  await elsewhere.getByRole('dialog').getByRole('button', { name: 'Да, отменить' }).click();
  await expect(here.getByText('Предстоящих записей нет.')).toBeVisible();
  await expect(here.getByRole('listitem').filter({ hasText: 'Отменена' })).toBeVisible();
});

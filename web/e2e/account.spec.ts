import { expect, test } from '@playwright/test';
import { addCar, expectAccessible, newClient, newestLink, openDay, register, screenshots, shopDay, verifyEmail } from './support';

test('an unverified client is told to confirm the address, follows the link, and then books', async ({ page, context }) => {
  const client = await register(page, newClient(), { verify: false });
  const notice = page.getByRole('region', { name: /Подтвердите адрес эл\. почты/ });
  await expect(notice).toContainText(`Мы отправили ссылку на ${client.email}`);
  await expectAccessible(page);
  await screenshots(page, 'unverified-notice');

  await addCar(page);
  const day = shopDay(11); // a day no other test books
  await openDay(page, day);
  await page.getByRole('button', { name: /^15:00, .*Записаться$/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Запись на визит' });
  await dialog.getByRole('radio', { name: /^ТО-1/ }).check();
  await dialog.getByRole('button', { name: 'Записаться' }).click();
  await expect(dialog.getByRole('alert').first()).toContainText('Записаться можно только с подтверждённым адресом эл. почты');
  await dialog.getByRole('button', { name: 'Отправить ссылку ещё раз' }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Отправили ссылку ещё раз на ${client.email}. Проверьте почту (и папку «Спам»).`);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Отправить ссылку ещё раз' }).scrollIntoViewIfNeeded();
  await screenshots(page, 'booking-unverified');
  await dialog.getByRole('button', { name: 'Закрыть' }).click();

  // The link opened in another tab (the API's own page, not the web app); back in the
  // app's tab the notice goes without a reload.
  const mailTab = await context.newPage();
  await verifyEmail(mailTab, client.email);
  await page.bringToFront();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(notice).toBeHidden();

  await page.getByRole('button', { name: /^15:00, .*Записаться$/ }).first().click();
  await dialog.getByRole('radio', { name: /^ТО-1/ }).check();
  await dialog.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toBeVisible();

  // A new address waits for its own link; the cabinet says so.
  await page.goto('/cabinet');
  const next = `new-${client.email}`;
  await page.getByLabel('Эл. почта').fill(next);
  await page.getByRole('button', { name: 'Сохранить профиль' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'ждёт подтверждения' })).toContainText(`Новый адрес ${next} ждёт подтверждения`);
  await expectAccessible(page);
  await screenshots(page, 'cabinet-pending-email');
});

test('a forgotten password: the link from the mail sets a new one on the API page, and it signs in', async ({ page }) => {
  const client = await register(page, newClient(), { verify: false });
  await page.getByRole('button', { name: /^Выйти/ }).click();
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Забыли пароль?' }).click();
  await expect(page.getByRole('heading', { name: 'Восстановление пароля' })).toBeVisible();

  // The same answer whether or not the account exists.
  const sent = 'Если такой аккаунт есть, мы отправили ссылку на его адрес эл. почты.';
  await page.getByLabel('Ник или эл. почта').fill(`nobody-${client.nick}`);
  await page.getByRole('button', { name: 'Прислать ссылку' }).click();
  await expect(page.getByRole('status')).toContainText(sent);
  const asked = Date.now();
  await page.getByLabel('Ник или эл. почта').fill(client.email);
  await page.getByRole('button', { name: 'Прислать ссылку' }).click();
  await expect(page.getByRole('status')).toContainText(sent);
  await expectAccessible(page);
  await screenshots(page, 'forgot-password');

  const link = await newestLink(client.email, '/reset-password', { after: asked - 1_000 });
  await page.goto(link);
  const fresh = 'another-horse-staple';
  await page.getByLabel('Новый пароль').fill(fresh);
  await page.getByRole('button', { name: 'Сохранить пароль' }).click();
  await expect(page.getByRole('heading', { name: 'Пароль изменён' })).toBeVisible();

  await page.goto('/sign-in');
  await page.getByLabel('Ник или эл. почта').fill(client.nick);
  await page.getByLabel('Пароль').fill(fresh);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Запись в сервис' })).toBeVisible();
});

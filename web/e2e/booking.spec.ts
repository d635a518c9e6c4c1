import { expect, test } from '@playwright/test';
import { addCar, expectAccessible, mailTo, openDay, register, screenshots, shopDay } from './support';

test('a new client registers, adds a car, books at the shown price, gets the mail, cancels', async ({ page }) => {
  const client = await register(page);
  await addCar(page);
  const day = shopDay(2);
  await openDay(page, day);
  await page.getByRole('button', { name: /^10:00, .*Записаться$/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Запись на визит' });
  await expect(dialog).toBeVisible();
  const option = dialog.getByRole('radio', { name: /^ТО-1/ });
  await option.check();
  const shown = (await dialog.locator('label', { has: page.locator('.price') }).filter({ hasText: 'ТО-1' }).locator('.price').textContent()) ?? '';
  expect(shown).toMatch(/₽$/);
  await screenshots(page, 'booking-dialog');
  await dialog.getByRole('button', { name: 'Записаться' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Вы записаны' })).toContainText(shown);
  await expect(page.getByRole('cell', { name: /10:00.*Ваша запись/ })).toBeVisible();

  await page.getByRole('navigation').getByRole('link', { name: 'Мои записи' }).click();
  const card = page.getByRole('listitem').filter({ hasText: 'ТО-1' });
  await expect(card.locator('.price')).toHaveText(shown);
  await expectAccessible(page);
  await screenshots(page, 'my-bookings');

  // The confirmation, with its .ics (the verification link came before it).
  await expect.poll(() => mailTo(client.email).filter((text) => text.includes('text/calendar')).length, { timeout: 30_000 }).toBe(1);

  await card.getByRole('button', { name: /Отменить запись/ }).click();
  const confirm = page.getByRole('dialog', { name: 'Отменить запись?' });
  await confirm.getByRole('button', { name: 'Да, отменить' }).click();
  await expect(page.getByText('Предстоящих записей нет.')).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'Отменена' })).toBeVisible();
});

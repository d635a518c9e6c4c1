import { expect, test } from '@playwright/test';
import { addCar, newClient, register } from './support';

test("the API's field errors are shown at their fields", async ({ page }) => {
  const taken = await register(page);
  await page.getByRole('button', { name: /^Выйти/ }).click();

  // Registration: a nick already taken and a short password, each at its own field.
  await page.goto('/register');
  const client = newClient();
  await page.getByLabel('Ник', { exact: true }).fill(taken.nick);
  await page.getByLabel('Эл. почта').fill(client.email);
  await page.getByLabel('Пароль', { exact: true }).fill(client.password);
  await page.getByLabel('Фамилия').fill('Петров');
  await page.getByLabel('Имя', { exact: true }).fill('Иван');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  const nick = page.getByLabel('Ник', { exact: true });
  await expect(nick).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Эл. почта')).not.toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Ник', { exact: true }).fill(client.nick);
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();

  // A car: a bad VIN and a bad СТС number, named by the API.
  await page.getByRole('button', { name: 'Добавить автомобиль' }).click();
  await page.getByLabel('VIN').fill('IOQ');
  await page.getByLabel('Госномер').fill('а123вс77');
  await page.getByLabel('Номер СТС').fill('99 АА 123456');
  await page.getByLabel('Дата продажи').fill('2021-05-14');
  await page.getByLabel('Пробег, км').fill('42000');
  await page.getByRole('radio', { name: 'Kia Rio (IV)' }).check();
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  await expect(page.getByLabel('VIN')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Госномер')).not.toHaveAttribute('aria-invalid', 'true');
  const vinError = page.locator('.field', { has: page.getByLabel('VIN') }).locator('.field__error');
  await expect(vinError).not.toBeEmpty();
});

test('a client without a car is kept out of booking and told why, with a link', async ({ page }) => {
  await register(page);
  await page.goto('/booking');
  await expect(page.getByText('Чтобы записаться, сначала добавьте свой автомобиль')).toBeVisible();
  await expect(page.getByRole('grid')).toHaveCount(0);
  await page.getByRole('link', { name: 'Добавить автомобиль' }).click();
  await expect(page).toHaveURL(/\/cars$/);
  await addCar(page);
  await page.goto('/booking');
  await expect(page.getByRole('grid', { name: 'Календарь записи' })).toBeVisible();
});

test('signed-out visitors are sent to sign in, then back where they were going', async ({ page }) => {
  const client = await register(page);
  await page.getByRole('button', { name: /^Выйти/ }).click();
  await page.goto('/my-bookings');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel('Ник или эл. почта').fill(client.email);
  await page.getByLabel('Пароль').fill(client.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Мои записи' })).toBeVisible();
});

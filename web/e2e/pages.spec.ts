import { expect, test } from '@playwright/test';
import { addCar, expectAccessible, openDay, register, screenshots, shopDay } from './support';

test('every page passes axe and is photographed at 360 and 1280 px (ru)', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Запись в автосервис' })).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'home');

  await page.goto('/sign-in');
  await expectAccessible(page);
  await screenshots(page, 'sign-in');

  await page.goto('/register');
  await expectAccessible(page);
  await screenshots(page, 'register');

  await register(page);
  await expectAccessible(page);
  await screenshots(page, 'cars-empty');

  await page.goto('/booking');
  await expect(page.getByText('Чтобы записаться, сначала добавьте свой автомобиль')).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'booking-no-car');

  await addCar(page);
  await page.getByRole('button', { name: 'Добавить автомобиль' }).click();
  await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  await expect(page.getByText('Исправьте отмеченные поля.')).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'cars-form-errors');

  await page.goto('/booking');
  await expect(page.getByRole('grid', { name: 'Календарь записи' })).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'booking-calendar');

  await openDay(page, shopDay(1));
  await expectAccessible(page);
  await screenshots(page, 'booking-board');

  await page.goto('/my-bookings');
  await expect(page.getByText('Предстоящих записей нет.')).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'my-bookings-empty');

  await page.goto('/cabinet');
  await expect(page.getByRole('heading', { name: 'Личный кабинет' })).toBeVisible();
  await expectAccessible(page);
  await screenshots(page, 'cabinet');

  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Такой страницы нет' })).toBeVisible();
  await expectAccessible(page);
});

test('the app switches to English and back, and remembers it', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Язык').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Book your car service' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: 'Sign in' }).first().click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Nick or email').fill('nobody-here');
  await page.getByLabel('Password').fill('wrong-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong nick, email or password.');
  await expectAccessible(page);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Language').selectOption('ru');
  await expect(page.getByRole('heading', { name: 'Вход' })).toBeVisible();
});

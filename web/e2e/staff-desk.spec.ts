import { expect, test, type Page } from '@playwright/test';
import { addCar, expectAccessible, openDay, screenshots, shopDay } from './support';
import { allMail, registerAs, staffPage } from './staff-support';

async function addCarModel(desk: Page, name: string): Promise<void> {
  await desk.goto('/staff/catalog?section=car-models');
  await desk.getByRole('button', { name: 'Добавить: модель' }).click();
  const dialog = desk.getByRole('dialog', { name: 'Добавить: модель' });
  await dialog.getByLabel('Название').fill(name);
  await dialog.getByLabel('Адрес картинки').fill('/static/cars/kia-rio-4.svg');
  await expect(dialog.getByRole('img', { name: 'Так картинка будет выглядеть' })).toBeVisible();
  await dialog.getByLabel('Коэффициент цены').fill('1,05');
  await dialog.getByLabel('Двигатель').selectOption({ label: 'G4FG' });
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(desk.getByRole('cell', { name, exact: true })).toBeVisible();
}

test('a campaign to one car model’s owners is previewed, sent, reaches SENT, and mails exactly them', async ({ browser }) => {
  const { page: desk } = await staffPage(browser);
  const stamp = Date.now().toString(36);
  const model = `Тестовая ${stamp} (I)`;
  await addCarModel(desk, model);

  const owners: string[] = [];
  for (const optIn of [true, true, false]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const client = await registerAs(page, { optIn });
    await addCar(page, model);
    if (optIn) owners.push(client.email);
    await context.close();
  }

  await desk.goto('/staff/campaigns');
  await desk.getByRole('button', { name: 'Новая рассылка' }).click();
  const subject = `Акция ${stamp}`;
  await desk.getByLabel('Тема', { exact: true }).fill(subject);
  await desk.getByLabel('Текст (Markdown)').fill('**Скидка** 10% на ТО\n\n<script>alert(1)</script>');
  await desk.getByRole('button', { name: 'Показать, как будет в письме' }).click();
  const preview = desk.getByRole('region', { name: 'Письмо, как его увидит клиент' });
  await expect(preview.locator('.preview__body strong')).toHaveText('Скидка');
  await expect(preview).toContainText('<script>alert(1)</script>'); // shown as text by the server
  await desk.getByRole('checkbox', { name: model }).check();
  await expect(desk.getByRole('status').filter({ hasText: 'Получат: 2' })).toBeVisible();
  await expectAccessible(desk);
  await screenshots(desk, 'staff-campaign-editor');
  await desk.getByRole('button', { name: 'Отправить (2)' }).click();

  const row = desk.getByRole('row').filter({ hasText: subject });
  await expect(row.getByText('Отправлена')).toBeVisible({ timeout: 60_000 });
  await expect(row.getByRole('cell').nth(2)).toHaveText('2'); // sent (after status, recipients)
  await screenshots(desk, 'staff-campaigns');
  const reached = () =>
    allMail()
      .filter((m) => m.subject === subject)
      .map((m) => m.to)
      .sort();
  await expect.poll(reached, { timeout: 30_000 }).toEqual([...owners].sort());
});

test('a catalog edit changes the price a client sees', async ({ browser, page }) => {
  await registerAs(page);
  await addCar(page);
  const day = shopDay(6);
  const priceShown = async () => {
    await openDay(page, day);
    await page.getByRole('button', { name: /^10:00, .*Записаться$/ }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Запись на визит' });
    const label = dialog.locator('label').filter({ hasText: /^Диагностика —/ });
    await expect(label).toBeVisible();
    return label;
  };
  await expect(await priceShown()).toContainText('2 000,00 ₽');

  const { page: desk } = await staffPage(browser);
  await desk.goto('/staff/catalog');
  await desk.getByRole('button', { name: 'Изменить: Диагностика' }).click();
  const dialog = desk.getByRole('dialog', { name: 'Изменить: Диагностика' });
  // The browser's own check, then the API's error at its field.
  await dialog.getByLabel('Цена нормочаса').fill('две тысячи');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByLabel('Цена нормочаса')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Цена нормочаса').fill('2600');
  await dialog.getByLabel('Название').fill(' ');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByLabel('Название')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(desk);
  await screenshots(desk, 'staff-catalog-errors');
  await dialog.getByLabel('Название').fill('Диагностика');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(desk.getByText('Сохранено.')).toBeVisible();
  await expect(desk.getByRole('row').filter({ hasText: 'Диагностика' })).toContainText('2 600,00 ₽');

  await expect(await priceShown()).toContainText('2 600,00 ₽');
});

test('a client is refused staff pages gracefully until an admin grants the manager role', async ({ browser, page }) => {
  const user = await registerAs(page, { lastName: 'Назначенный' });
  await page.goto('/staff/board');
  await expect(page.getByRole('heading', { name: 'Нет доступа' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Доска' })).toHaveCount(0);
  await expectAccessible(page);
  await screenshots(page, 'staff-refused');

  const { page: admin } = await staffPage(browser, 'admin');
  await admin.goto('/staff/users');
  await admin.getByLabel('Поиск').fill(user.nick);
  await admin.getByRole('link', { name: 'Назначенный Иван' }).click();
  await expect(admin.getByRole('heading', { name: /Назначенный Иван/ })).toBeVisible();
  await admin.getByRole('button', { name: 'Сделать менеджером' }).click();
  await expect(admin.getByRole('status').filter({ hasText: '«Менеджер»' })).toBeVisible();
  await expectAccessible(admin);
  await screenshots(admin, 'staff-user');

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Доска записей' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Доска' })).toBeVisible();
  // A manager is not an admin: no users page.
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Пользователи' })).toHaveCount(0);
  await page.goto('/staff/users');
  await expect(page.getByText('Эта страница — для администраторов.')).toBeVisible();
});

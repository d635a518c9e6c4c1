import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, shopDay } from './support';
import { staffPage } from './staff-support';

/** The page in one language: axe, then screenshots at 360 and 1280 px. */
async function look(page: Page, name: string, lang: string): Promise<void> {
  await expectAccessible(page);
  await page.screenshot({ path: `screenshots/${name}-${lang}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  await page.screenshot({ path: `screenshots/${name}-${lang}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('every staff page passes axe and is photographed, in Russian and in English', async ({ browser }) => {
  const { page } = await staffPage(browser, 'admin');
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [lang, words] of [
    ['ru', { board: 'Доска записей', campaigns: 'Рассылки', newCampaign: 'Новая рассылка', mail: 'Почта', catalog: 'Каталог', users: 'Пользователи', edit: 'Изменить', time: 'Время' }],
    ['en', { board: 'Booking board', campaigns: 'Campaigns', newCampaign: 'New campaign', mail: 'Mail', catalog: 'Catalog', users: 'Users', edit: 'Edit', time: 'Time' }],
  ] as const) {
    if (lang === 'en') await page.getByLabel('Язык').selectOption('en');
    await page.goto(`/staff/board?day=${shopDay(3)}`);
    await expect(page.getByRole('heading', { name: words.board })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: words.time })).toBeVisible();
    await look(page, 'staff-board', lang);

    await page.goto('/staff/campaigns');
    await expect(page.getByRole('heading', { name: words.campaigns, level: 1 })).toBeVisible();
    await look(page, 'staff-campaigns', lang);
    await page.getByRole('button', { name: words.newCampaign }).click();
    await look(page, 'staff-campaign-new', lang);

    await page.goto('/staff/mail');
    await expect(page.getByRole('heading', { name: words.mail })).toBeVisible();
    await look(page, 'staff-mail', lang);

    for (const section of ['labor-rates', 'oils', 'engines', 'car-models', 'consumables', 'repair-types', 'receptionists']) {
      await page.goto(`/staff/catalog?section=${section}`);
      await expect(page.getByRole('heading', { name: words.catalog })).toBeVisible();
      await look(page, `staff-catalog-${section}`, lang);
    }
    await page.getByRole('button', { name: new RegExp(`^${words.edit}`) }).first().click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await look(page, 'staff-catalog-edit', lang);
    await page.keyboard.press('Escape');
    await page.goto('/staff/catalog?section=repair-types');
    await page.getByRole('button', { name: new RegExp(`^${words.edit}`) }).first().click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await look(page, 'staff-catalog-repair-edit', lang);
    await page.keyboard.press('Escape');

    await page.goto('/staff/users');
    await expect(page.getByRole('heading', { name: words.users })).toBeVisible();
    await expect(page.getByRole('table')).toBeVisible();
    await look(page, 'staff-users', lang);
    await page.getByRole('table').getByRole('link').first().click();
    await look(page, 'staff-user', lang);
  }
});

import { expect, test, type Page } from '@playwright/test';
import { addCar, freeAdvisor, openDay, register, shopDay } from './support';

const refreshes = (page: Page) => page.evaluate(() => window.repairbookSession?.refreshCount() ?? 0);

// The test server's access tokens live one minute, so each tab refreshes ~15 s before
// expiry; the API revokes the whole family when a refresh token is presented twice, so two
// tabs that raced would both be signed out.
test('two tabs refresh (on time and both at once) without being signed out; the board stays live', async ({ context }) => {
  test.setTimeout(180_000);
  const day = shopDay(7);
  const first = await context.newPage();
  await register(first);
  await addCar(first);
  await openDay(first, day);
  const boardOpened = Date.now();
  const second = await context.newPage();
  await openDay(second, day);

  // Both at the same instant: the Web Lock lets one trade the token, the other reads the new one.
  const raced = await Promise.all([first, second].map((page) => page.evaluate(() => window.repairbookSession?.refresh())));
  expect(raced).toEqual([true, true]);

  // Then on their own timers, before expiry.
  const before = [await refreshes(first), await refreshes(second)] as const;
  await expect
    .poll(async () => Math.min((await refreshes(first)) - before[0], (await refreshes(second)) - before[1]), {
      timeout: 90_000,
      intervals: [2_000],
    })
    .toBeGreaterThanOrEqual(1);
  // Past the websocket's first token: the server closed it (4403) and it signed in again.
  await first.waitForTimeout(Math.max(0, 65_000 - (Date.now() - boardOpened)));

  const advisor = await freeAdvisor(second, '14:00');
  await second.getByRole('button', { name: new RegExp(`^14:00, ${advisor} .*Записаться$`) }).click();
  await second.getByRole('dialog').getByRole('radio', { name: /^Диагностика/ }).check();
  await second.getByRole('dialog').getByRole('button', { name: 'Записаться' }).click();
  await expect(second.getByText('Вы записаны')).toBeVisible();
  await expect(first.getByRole('img', { name: new RegExp(`^14:00, ${advisor} .*: Ваша запись$`) })).toBeVisible();

  for (const page of [first, second]) {
    await page.goto('/my-bookings');
    await expect(page.getByRole('heading', { name: /14:00–14:30/ })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Выйти/ })).toBeVisible();
  }
});

test('signing out in one tab signs out the other and revokes the refresh token', async ({ context }) => {
  const first = await context.newPage();
  await register(first);
  const second = await context.newPage();
  await second.goto('/cars');
  await expect(second.getByRole('heading', { name: 'Мои автомобили' })).toBeVisible();
  const token = await first.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const open = indexedDB.open('repairbook');
        open.onsuccess = () => {
          const get = open.result.transaction('session').objectStore('session').get('refreshToken');
          get.onsuccess = () => resolve(get.result);
        };
      }),
  );
  expect(typeof token).toBe('string');
  await first.getByRole('button', { name: /^Выйти/ }).click();
  await expect(second.getByRole('link', { name: 'Войти' }).first()).toBeVisible();
  const response = await first.request.post('/graphql', {
    // The app's own document: accepted where the server enforces the app's manifest too.
    data: {
      query:
        'mutation Refresh($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken accessTokenExpiresAt refreshToken } }',
      variables: { refreshToken: token },
    },
  });
  const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
  expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
});

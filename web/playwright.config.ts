import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

// Playwright's own browser download is not reachable here: the system Chromium runs the
// tests (Debian package `chromium`), and a machine without it is told so, never skipped.
export const chromium = process.env.REPAIRBOOK_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(`No Chromium at ${chromium}: install it (apt-get install -y chromium) or set REPAIRBOOK_CHROMIUM`);
}

const port = Number(process.env.REPAIRBOOK_E2E_PORT ?? 18765);
export const dataDir = resolve(import.meta.dirname, '.e2e-data');
const root = resolve(import.meta.dirname, '..');
if (!process.env.REPAIRBOOK_E2E_REUSE && !process.env.TEST_WORKER_INDEX) rmSync(dataDir, { recursive: true, force: true });

export default defineConfig({
  testDir: './e2e',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // A real `repairbook dev` (API, worker, embedded PostgreSQL, Redis and mail sink) in a
  // data folder of its own, serving the built app; access tokens live one minute so the
  // tests run through refreshes.
  webServer: {
    command: `${root}/.venv/bin/repairbook dev --port ${port}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    // Ctrl-C, as a person stops it: `dev` then stops the embedded servers it started.
    gracefulShutdown: { signal: 'SIGINT', timeout: 20_000 },
    stdout: 'ignore',
    stderr: 'ignore',
    env: {
      REPAIRBOOK_DATA_DIR: dataDir,
      REPAIRBOOK_ACCESS_TOKEN_MINUTES: '1',
      REPAIRBOOK_ARGON2_MEMORY_KIB: '8192',
      REPAIRBOOK_ARGON2_ROUNDS: '1',
      // Every test registers its own people, all from 127.0.0.1: the per-address
      // registration throttle (3 free, 10 an hour) would stop the suite half-way.
      REPAIRBOOK_REGISTRATIONS_FREE_PER_ADDRESS: '1000',
      REPAIRBOOK_REGISTRATIONS_PER_ADDRESS: '1000',
    },
  },
});

import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `npx playwright test -c playwright.bench.config.ts`: the staff board figures against a
// real `repairbook dev` (same server and browser as the e2e tests); prints, never asserts.
export default defineConfig({ ...base, testDir: './bench', testMatch: '*.bench.ts', timeout: 900_000 });

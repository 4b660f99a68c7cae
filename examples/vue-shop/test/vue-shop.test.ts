import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import { PUBLISHABLE, type SeededServer, startSeededServer } from '@find-this-fit/testing/seeded-server';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_DIR = resolve(import.meta.dirname, '..');

let outDir: string;
let site: StaticServer;
let server: SeededServer;
let browser: Browser;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'ftf-vue-shop-'));
  // The example's own Vite config (Vue plugin, custom element, widget dist as public folder), built for real.
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
  site = await serveStatic({ '/models/': MODELS_DIR, '/': outDir }, { isolated: false });
  server = await startSeededServer({ pageOrigin: site.url, count: 10, seed: 5 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('examples/vue-shop', () => {
  it('binds the element from Vue, and Vue state follows its events (results count, cancelled select → wishlist)', async () => {
    const page = await browser.newPage();
    const query = new URLSearchParams({ api: server.api.url, key: PUBLISHABLE, 'model-url': '/models/fixture' });
    await page.goto(`${site.url}/?${query}`);
    await expect(page.getByTestId('count').textContent()).resolves.toBe('No search yet');
    const target = server.listings[4]!;
    await page
      .locator('find-this-fit #file')
      .setInputFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: await nearDuplicate(target.image) });
    await page
      .getByTestId('count')
      .filter({ hasText: /\d+ results/ })
      .waitFor({ timeout: 60_000 });
    const firstTitle = (await page.locator('find-this-fit ul.grid li').first().locator('a').textContent())?.trim();
    expect(firstTitle).toBe(target.listing.title);
    const url = page.url();
    await page.locator('find-this-fit ul.grid li').first().locator('a').click();
    // Vue renders the wishlist on its next tick: wait for it rather than read it once.
    await expect
      .poll(() => page.getByTestId('wishlist').locator('li').allTextContents(), { timeout: 30_000 })
      .toEqual([target.listing.title]);
    expect(page.url()).toBe(url);
    await page.close();
  });
});

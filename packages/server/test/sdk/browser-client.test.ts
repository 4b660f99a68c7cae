import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FindThisFit } from '@find-this-fit/sdk';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {} from '../../../sdk/test/browser/page/main.js'; // window.ftf
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { DIM, MODEL, PUBLISHABLE, SECRET, serve, type TestServer, testConfig, vec } from '../api/harness.js';

// The typed client running in headless Chromium against the real server on another origin (CORS).
let dir: string;
let store: Store;
let api: TestServer;
let page: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftf-browser-client-'));
  const config = testConfig({ FTF_DATA_DIR: dir, FTF_CORS_ORIGINS: '*' });
  store = await createStore({ fingerprint: MODEL, dim: DIM, hnsw: config.hnsw, dataDir: dir });
  api = await serve(store, config);
  const admin = new FindThisFit({ baseURL: api.url, apiKey: SECRET });
  await admin.items.upsert(
    [0, 1, 2].map((i) => ({
      source: 'depop',
      externalId: `b${i}`,
      title: `Browser ${i}`,
      url: `https://m.example/${i}`,
      imageUrl: `https://m.example/${i}.jpg`,
      vector: vec({ [i]: 1, 3: 0.2 }),
    })),
    { model: MODEL },
  );
  page = await serveStatic({
    '/': await buildTestPage(resolve(import.meta.dirname, '../../../sdk/test/browser/page')),
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
  await api?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('searches, pages and maps errors from a browser', async () => {
  const tab = await browser.newPage();
  await tab.goto(page.url);
  await tab.waitForFunction(() => document.title === 'ready');
  const result = await tab.evaluate(({ url, key, vector }) => window.ftf.clientSearch(url, key, vector), {
    url: api.url,
    key: PUBLISHABLE,
    vector: vec({ 1: 1 }),
  });
  expect(result.model).toBe(MODEL);
  expect(result.ids).toHaveLength(3);
  expect(result.ids[0]).toBe(
    (await store.search({ vector: Float32Array.from(vec({ 1: 1 })), k: 1, filters: {} }))[0]?.id,
  );
  expect(result.error).toMatchObject({ name: 'AuthenticationError', status: 401 });
  expect((result.error as { requestId?: string }).requestId).toMatch(/.+/);
}, 120_000);

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, PUBLISHABLE, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, setAttributes } from '../helpers/widget-page.js';

let env: WidgetEnv;
let browser: Browser;
let runtime: { wasm: { mjs: string; wasm: string }; webgpu: { mjs: string; wasm: string } };

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 12 }), launchChromium()]);
  runtime = JSON.parse(await readFile(join(DIST_DIR, 'ort/ort-runtime.json'), 'utf8'));
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const HEAVY = /embed-worker|\/models\/|\/ort\//;

/** The shop page with the widget pushed below the fold, every request recorded from the first. */
async function openBelowFold(preload: string | null): Promise<{ page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${env.page.url}/`);
  await page.evaluate(async () => {
    const spacer = document.createElement('div');
    spacer.style.height = '3000px';
    document.querySelector('main')?.prepend(spacer);
    await customElements.whenDefined('find-this-fit');
  });
  await setAttributes(page, {
    'api-base': env.api.url,
    'api-key': PUBLISHABLE,
    'model-url': '/models/fixture',
    device: 'wasm',
    preload,
  });
  return { page, requests };
}

const heavy = (requests: string[]) => requests.filter((u) => HEAVY.test(u));

describe('<find-this-fit preload>', () => {
  it('preload="none" (the default) fetches nothing heavy while the widget is seen, hovered and focused', async () => {
    const { page, requests } = await openBelowFold(null);
    await page.locator('find-this-fit').scrollIntoViewIfNeeded();
    await page.locator('find-this-fit').hover();
    await page.locator('find-this-fit').getByRole('button').first().focus();
    await page.waitForTimeout(1000);
    expect(heavy(requests)).toEqual([]);
    await page.context().close();
  });

  it('preload="visible" compiles the CPU runtime when scrolled into view, and loads the model on hover', async () => {
    const { page, requests } = await openBelowFold('visible');
    await page.waitForTimeout(700);
    expect(heavy(requests)).toEqual([]); // below the fold: nothing yet

    await page.evaluate(() => document.querySelector('find-this-fit')?.scrollIntoView());
    await expect
      .poll(() => heavy(requests).some((u) => u.endsWith(`/widget/ort/${runtime.wasm.wasm}`)), { timeout: 30_000 })
      .toBe(true);
    expect(heavy(requests).some((u) => u.includes('/models/'))).toBe(false); // runtime only, no weights yet
    expect(heavy(requests).some((u) => u.includes('asyncify'))).toBe(false);

    await page.locator('find-this-fit').hover();
    await expect.poll(() => heavy(requests).some((u) => u.endsWith('.onnx')), { timeout: 30_000 }).toBe(true);

    // The photo finds the model loaded (or loading): results come from it, and the worker was started once.
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[0]!.image));
    expect(detail.results[0]?.id).toBe(env.listings[0]!.id);
    expect(detail.device).toBe('wasm');
    expect(requests.filter((u) => u.endsWith('/widget/embed-worker.js'))).toHaveLength(1);
    await page.context().close();
  });

  it('preload="eager" loads the model before any photo or gesture', async () => {
    const { page, requests } = await openBelowFold('eager');
    await expect.poll(() => heavy(requests).some((u) => u.endsWith('.onnx')), { timeout: 30_000 }).toBe(true);
    // The session is created from the weights with the CPU runtime build (fetched after the weights here).
    await expect
      .poll(() => heavy(requests).some((u) => u.endsWith(`/widget/ort/${runtime.wasm.wasm}`)), { timeout: 30_000 })
      .toBe(true);
    await page.context().close();
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../sdk/test/helpers/chromium.js';
import { nearDuplicate } from '../helpers/photos.js';
import { startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, events, openWidget, renderedTitles, widget } from '../helpers/widget-page.js';

let env: WidgetEnv;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('<find-this-fit> photo search in Chromium', () => {
  it('embeds an uploaded photo in the browser and ranks its near-duplicate listing first', async () => {
    const target = env.listings[3]!;
    const page = await openWidget(browser, env);
    const detail = await choosePhoto(page, await nearDuplicate(target.image));

    expect(detail.device).toBe('wasm');
    expect(detail.kind).toBe('photo');
    expect(detail.results[0]?.id).toBe(target.id);
    const scores = detail.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await renderedTitles(page)).toEqual(detail.results.map((r) => r.title));

    const progress = await events(page, 'ftf-model-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress.map((e) => Number(e.detail.totalBytes)))).toBeGreaterThan(1000);
    await expect(widget(page).locator('[role=status]').textContent()).resolves.toMatch(/similar items found/);
    await page.context().close();
  });
});

import { launchChromium } from '@find-this-fit/testing/chromium';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import { PUBLISHABLE, type SeededServer, startSeededServer } from '@find-this-fit/testing/seeded-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePhoto, openWidgetAt } from '../../../packages/widget/test/helpers/widget-page.js';
import { startDemoShop } from '../server.js';

let shop: Awaited<ReturnType<typeof startDemoShop>>;
let server: SeededServer;
let browser: Browser;

beforeAll(async () => {
  // The page's origin must be known before the server's key and CORS settings: reserve it first.
  const probe = await startDemoShop({ apiBase: 'http://127.0.0.1:1', modelsDir: MODELS_DIR, model: 'fixture' });
  const origin = probe.url;
  await probe.close();
  server = await startSeededServer({ pageOrigin: origin, count: 10, seed: 11 });
  const port = Number(new URL(origin).port);
  shop = await startDemoShop({
    apiBase: server.api.url,
    apiKey: PUBLISHABLE,
    port,
    modelsDir: MODELS_DIR,
    model: 'fixture',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await server?.close();
});

describe('examples/demo-shop', () => {
  it('serves a shop page whose widget finds the listing in a shopper’s photo', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      (window as unknown as { ftfEvents: unknown[] }).ftfEvents = [];
      for (const type of ['ftf-results', 'ftf-error']) {
        document.addEventListener(type, (e) =>
          (window as unknown as { ftfEvents: unknown[] }).ftfEvents.push({
            type,
            detail: (e as CustomEvent).detail,
            at: performance.now(),
          }),
        );
      }
    });
    const page = await openWidgetAt(context, shop.url, {});
    await expect(page.title()).resolves.toMatch(/Second Loop/);
    const detail = await choosePhoto(page, await nearDuplicate(server.listings[2]!.image));
    expect(detail.results[0]?.id).toBe(server.listings[2]!.id);
    await context.close();
  });

  it('shows a notice above the widget, as text', async () => {
    const noticed = await startDemoShop({ apiBase: 'http://127.0.0.1:1', notice: 'Generated model: <not> visual' });
    try {
      const html = await (await fetch(`${noticed.url}/`)).text();
      expect(html).toContain('<p class="notice" role="note">Generated model: &lt;not&gt; visual</p>');
      expect(html.indexOf('class="notice"')).toBeLessThan(html.indexOf('<find-this-fit'));
    } finally {
      await noticed.close();
    }
  });

  it('confines files to the widget and model folders, and validates its options', async () => {
    expect((await fetch(`${shop.url}/widget/find-this-fit.js`)).status).toBe(200);
    expect((await fetch(`${shop.url}/models/fixture/config.json`)).status).toBe(200);
    expect((await fetch(`${shop.url}/widget/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${shop.url}/secret.txt`)).status).toBe(404);
    const html = await (await fetch(`${shop.url}/`)).text();
    expect(html).toContain(`api-base="${server.api.url}"`);
    expect(html).not.toContain('{{');
    expect(html).not.toContain('class="notice"');
    await expect(startDemoShop({ apiBase: 'http://x', notice: 42 as unknown as string })).rejects.toThrow(/notice/);
    await expect(startDemoShop({ apiBase: 'ftp://nope' })).rejects.toThrow(/apiBase/);
    await expect(startDemoShop({ apiBase: 'http://x', model: 'fixture' })).rejects.toThrow(/modelsDir and model/);
  });
});

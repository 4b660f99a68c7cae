import { launchChromium } from '@find-this-fit/testing/chromium';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeAppUrl, safeWebUrl } from '../../src/internal/safe-url.js';
import { fixtureEmbedder, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, openWidget, widget } from '../helpers/widget-page.js';

const HOSTILE_APP_URL = 'javascript:alert(document.domain)//';

let env: WidgetEnv;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 8 }), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('result links the widget will render', () => {
  it('web links: http(s) with a host, nothing hidden in control characters', () => {
    expect(safeWebUrl('https://shop.example/p/1')).toBe('https://shop.example/p/1');
    expect(safeWebUrl('https://cdn.example/my photo.jpg')).toBe('https://cdn.example/my photo.jpg');
    for (const value of ['javascript:alert(1)', ' https://x.example/', 'data:image/png;base64,AA', '//x.example/', 1]) {
      expect(safeWebUrl(value), String(value)).toBeUndefined();
    }
  });

  it('app links: scheme:// of a scheme that cannot run script', () => {
    expect(safeAppUrl('depop://product/1')).toBe('depop://product/1');
    for (const value of [
      'javascript:alert(1)',
      'javascript://x.example/%0aalert(1)',
      'JAVASCRIPT://x%0aalert(1)',
      'java\tscript://x%0aalert(1)',
      'vbscript://x',
      'data://text/html',
      'depop:product/1',
      null,
    ]) {
      expect(safeAppUrl(value), String(value)).toBeUndefined();
    }
  });
});

describe('<find-this-fit> with a database that holds a javascript: link (Chromium, real server)', () => {
  it('renders no such href or src, and clicking it opens nothing', async () => {
    const target = env.listings.find((l) => l.listing.source === 'depop') ?? env.listings[0]!;
    // Straight into the store, past the API's URL rule: an old row, or a database someone else wrote to.
    const embedder = await fixtureEmbedder();
    const [vector] = await embedder.embedImages([target.image]);
    await embedder.dispose();
    await env.api.store.upsert([
      {
        source: target.listing.source,
        externalId: target.listing.externalId,
        title: 'Poisoned listing',
        url: target.listing.url,
        appUrl: HOSTILE_APP_URL,
        imageUrl: 'javascript:alert(2)',
        vector: vector!,
      },
      {
        source: target.listing.source,
        externalId: `${target.listing.externalId}-web`,
        title: 'Poisoned web link',
        url: 'javascript:alert(3)',
        appUrl: null,
        imageUrl: target.listing.imageUrl,
        vector: vector!,
      },
    ]);

    const page = await openWidget(browser, env, { 'open-in-app': '' });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      const detail = await choosePhoto(page, await nearDuplicate(target.image));
      const titles = detail.results.map((r) => r.title);
      expect(titles).toContain('Poisoned listing');
      expect(titles).toContain('Poisoned web link');
      // The server really returned the hostile values: the widget is the last line of defence here.
      expect(detail.results.find((r) => r.title === 'Poisoned listing')?.appUrl).toBe(HOSTILE_APP_URL);

      const root = widget(page);
      const hrefs = await root.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      const srcs = await root.locator('[src]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('src')));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const value of [...hrefs, ...srcs])
        expect(value ?? '', String(value)).not.toMatch(/^\s*(javascript|data|vbscript):/i);

      // The poisoned app link falls back to the (safe) web URL; the poisoned web link has no href at all.
      const card = (title: string) => root.locator('ul.grid li', { hasText: title }).first();
      await expect(card('Poisoned listing').locator('a').getAttribute('href')).resolves.toBe(target.listing.url);
      await expect(card('Poisoned listing').locator('img').count()).resolves.toBe(0);
      await expect(card('Poisoned web link').locator('a').getAttribute('href')).resolves.toBeNull();

      const before = page.url();
      await card('Poisoned web link').locator('a').click();
      await page.waitForTimeout(300);
      expect(page.url()).toBe(before);
      expect(dialogs).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

import { launchChromium } from '@find-this-fit/testing/chromium';
import { COLOUR_WORDS } from '@find-this-fit/testing/fixture-model';
import { nearDuplicate, sideBySide, upscaled } from '@find-this-fit/testing/photos';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtfResultsDetail, FtfSelectDetail } from '../../src/events.js';
import { type SeededListing, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, events, nextEvent, openWidget, renderedTitles, widget } from '../helpers/widget-page.js';

let env: WidgetEnv;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const ids = (detail: FtfResultsDetail) => detail.results.map((r) => r.id);

async function withPage<T>(attributes: Record<string, string | null>, run: (page: Page) => Promise<T>): Promise<T> {
  const page = await openWidget(browser, env, attributes);
  try {
    return await run(page);
  } finally {
    await page.context().close();
  }
}

/** Sends a photo the way the page's own JS would see it arrive: a File in a DataTransfer. */
async function dispatchWithFile(page: Page, kind: 'drop' | 'paste', image: Buffer): Promise<void> {
  await page.evaluate(
    ({ kind, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
      const element = document.querySelector('find-this-fit')!;
      if (kind === 'paste') {
        element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true }));
        return;
      }
      const zone = element.shadowRoot!.querySelector('.dropzone')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { kind, base64: image.toString('base64') },
  );
}

describe('<find-this-fit> photo search in Chromium (fixture model, real server)', () => {
  it('embeds an uploaded photo in the browser and ranks its near-duplicate listing first, in score order', async () => {
    const target = env.listings[3]!;
    await withPage({}, async (page) => {
      const detail = await choosePhoto(page, await nearDuplicate(target.image));
      expect(detail.device).toBe('wasm');
      expect(detail.kind).toBe('photo');
      expect(detail.results[0]?.id).toBe(target.id);
      const scores = detail.results.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(await renderedTitles(page)).toEqual(detail.results.map((r) => r.title));
      expect(detail.timings.embedMs).toBeGreaterThan(0);
      expect(detail.timings.modelLoadMs).toBeGreaterThan(0);

      const progress = await events(page, 'ftf-model-progress');
      expect(progress.length).toBeGreaterThan(0);
      const bytes = Math.max(...progress.map((e) => Number(e.detail.totalBytes)));
      expect(bytes).toBeGreaterThan(1000);
      await expect(widget(page).locator('[role=status]').textContent()).resolves.toMatch(
        new RegExp(`${detail.results.length} similar items found`),
      );
      // A second photo reuses the loaded model: no new download.
      const second = await choosePhoto(page, await nearDuplicate(env.listings[5]!.image, 0.03));
      expect(second.results[0]?.id).toBe(env.listings[5]!.id);
      expect(second.timings.modelLoadMs).toBeUndefined();
    });
  });

  it('accepts photos by drag and drop, by paste, and by URL from the host page', async () => {
    await withPage({}, async (page) => {
      let before = (await events(page, 'ftf-results')).length;
      await dispatchWithFile(page, 'drop', await nearDuplicate(env.listings[1]!.image));
      let detail = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(detail.results[0]?.id).toBe(env.listings[1]!.id);

      before++;
      await dispatchWithFile(page, 'paste', await nearDuplicate(env.listings[2]!.image));
      detail = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(detail.results[0]?.id).toBe(env.listings[2]!.id);

      before++;
      const url = await env.putPageFile('host-photo.jpg', await nearDuplicate(env.listings[6]!.image));
      await page.evaluate((u) => document.querySelector('find-this-fit')!.searchImage(u), url);
      detail = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(detail.results[0]?.id).toBe(env.listings[6]!.id);
    });
  });

  it('downscales a large photo before anything else and still finds the listing', async () => {
    const target = env.listings[4]!;
    await withPage({}, async (page) => {
      const detail = await choosePhoto(page, await upscaled(target.image, 4000));
      expect(detail.results[0]?.id).toBe(target.id);
      const previewWidth = await widget(page)
        .locator('ftf-cropper img')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth);
      expect(previewWidth).toBeLessThanOrEqual(1024);
      expect(previewWidth).toBeGreaterThan(500);
    });
  });

  it('searches only the cropped area: the keyboard-moved box finds the left, then the right garment', async () => {
    const left = env.listings[0]!;
    const right = env.listings.find(
      (l) => l.listing.colour.name !== left.listing.colour.name && l.listing.garment !== left.listing.garment,
    )!;
    await withPage({ k: '24' }, async (page) => {
      const whole = await choosePhoto(page, await sideBySide(left.image, right.image));
      const box = widget(page).locator('ftf-cropper .box');
      await box.focus();
      for (let i = 0; i < 25; i++) await box.press('Shift+ArrowLeft'); // width 100 % → 50 %: the left half
      let before = (await events(page, 'ftf-results')).length;
      await widget(page).getByRole('button', { name: 'Search this area' }).click();
      const leftOnly = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(leftOnly.results[0]?.id).toBe(left.id);
      expect(ids(leftOnly)).not.toEqual(ids(whole));

      await box.focus();
      for (let i = 0; i < 25; i++) await box.press('ArrowRight'); // move the box to the right half
      before++;
      await widget(page).getByRole('button', { name: 'Search this area' }).click();
      const rightOnly = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(rightOnly.results[0]?.id).toBe(right.id);
    });
  });

  it('refines the ranking with words (the text encoder), moving listings of that colour up', async () => {
    const target = env.listings[0]!;
    const rankOf = (detail: FtfResultsDetail, colour: string) =>
      detail.results.findIndex((r) => env.listings.find((l) => l.id === r.id)?.listing.colour.name === colour);
    const colour = [...new Set(env.listings.map((l) => l.listing.colour.name))].find(
      (c) => c in COLOUR_WORDS && c !== target.listing.colour.name,
    );
    expect(colour, 'the seeded catalogue has a colour the fixture text encoder knows').toBeDefined();
    await withPage({ k: '24' }, async (page) => {
      const plain = await choosePhoto(page, await nearDuplicate(target.image));
      const before = (await events(page, 'ftf-results')).length;
      await widget(page).getByLabel('Refine with words').fill(colour!);
      await widget(page).getByRole('button', { name: 'Refine', exact: true }).click();
      const refined = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(ids(refined)).not.toEqual(ids(plain));
      expect(rankOf(refined, colour!)).toBeLessThan(rankOf(plain, colour!));
    });
  });

  it('filters by brand and by maximum price without re-embedding the photo', async () => {
    await withPage({ k: '24' }, async (page) => {
      const all = await choosePhoto(page, await nearDuplicate(env.listings[2]!.image));
      const brand = all.results.map((r) => r.brand).find((b): b is string => Boolean(b))!;
      await widget(page).locator('details.filters summary').click();
      await widget(page).getByLabel('Brand').selectOption(brand);
      let before = (await events(page, 'ftf-results')).length;
      await widget(page).getByRole('button', { name: 'Apply' }).click();
      const byBrand = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(byBrand.results.length).toBeGreaterThan(0);
      expect(byBrand.results.every((r) => r.brand === brand)).toBe(true);
      expect(byBrand.timings.embedMs).toBeUndefined();

      await widget(page).getByLabel('Brand').selectOption('');
      // The price filter works in the currency most results are in; its label names it.
      const label = await widget(page).locator('label', { hasText: 'Max price' }).textContent();
      const currency = /\(([A-Z]{3})\)/.exec(label ?? '')?.[1];
      expect(currency).toBeDefined();
      await widget(page)
        .getByLabel(/Max price/)
        .fill('25');
      before++;
      await widget(page).getByRole('button', { name: 'Apply' }).click();
      const cheap = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(cheap.results.length).toBeGreaterThan(0);
      expect(cheap.results.every((r) => r.price?.currency === currency && (r.price?.amount ?? Infinity) <= 2500)).toBe(
        true,
      );
    });
  });

  it('"more like this" shows neighbours of a listing, "load more" appends the next page', async () => {
    await withPage({ k: '4' }, async (page) => {
      const first = await choosePhoto(page, await nearDuplicate(env.listings[7]!.image));
      expect(first.results).toHaveLength(4);
      expect(first.hasMore).toBe(true);

      let before = (await events(page, 'ftf-results')).length;
      await widget(page).getByRole('button', { name: 'Load more' }).click();
      const more = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(more.results).toHaveLength(8);
      expect(new Set(ids(more)).size).toBe(8);
      expect(ids(more).slice(0, 4)).toEqual(ids(first));
      // Focus lands on the first new result, so keyboard users continue where the new items start.
      const focused = await page.evaluate(() =>
        document.querySelector('find-this-fit')!.shadowRoot!.activeElement?.textContent?.trim(),
      );
      expect(focused).toBe(more.results[4]?.title);

      const pick = more.results[1]!;
      before++;
      await widget(page)
        .getByRole('button', { name: `More like this: ${pick.title}` })
        .click();
      const similar = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(similar.kind).toBe('similar');
      expect(ids(similar)).not.toContain(pick.id);
      await expect(widget(page).locator('#results-heading').textContent()).resolves.toBe('More like this');

      before++;
      await widget(page).getByRole('button', { name: 'Back to my photo' }).click();
      const back = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
      expect(back.kind).toBe('photo');
      expect(ids(back)).toEqual(ids(first));
    });
  });

  it('says no good match was found when nothing reaches min-score', async () => {
    const grey = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#7a7a7a' } })
      .jpeg()
      .toBuffer();
    await withPage({ 'min-score': '0.999' }, async (page) => {
      const detail = await choosePhoto(page, grey);
      expect(detail.results).toHaveLength(0);
      await expect(widget(page).locator('[part=empty]').textContent()).resolves.toMatch(/No good match found/);
    });
  });

  it('fires a cancelable ftf-select with the web URL, or the app link when the host allows it', async () => {
    const depop = env.listings.find((l) => l.listing.source === 'depop')!;
    await withPage({ 'open-in-app': '' }, async (page) => {
      await page.evaluate(() => document.addEventListener('ftf-select', (e) => e.preventDefault()));
      await choosePhoto(page, await nearDuplicate(depop.image));
      const link = widget(page).locator('ul.grid li').first().locator('a');
      await expect(link.getAttribute('href')).resolves.toBe(depop.listing.appUrl);
      const url = page.url();
      await link.click();
      const selected = (await events(page, 'ftf-select')).at(-1)!.detail as unknown as FtfSelectDetail;
      expect(selected.result.id).toBe(depop.id);
      expect(selected.href).toBe(depop.listing.appUrl);
      expect(page.url()).toBe(url); // the host cancelled: no navigation
    });
    await withPage({}, async (page) => {
      await choosePhoto(page, await nearDuplicate(depop.image));
      const link = widget(page).locator('ul.grid li').first().locator('a');
      await expect(link.getAttribute('href')).resolves.toBe(depop.listing.url);
      await expect(link.getAttribute('target')).resolves.toBe('_blank');
    });
  });
});

export type { SeededListing };

import { createRequire } from 'node:module';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtfErrorDetail, FtfResultsDetail } from '../../src/events.js';
import { type FaultProxy, startFaultProxy, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, events, nextEvent, openWidget, PHONE, widget } from '../helpers/widget-page.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let env: WidgetEnv;
let proxy: FaultProxy;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 16 }), launchChromium()]);
  proxy = await startFaultProxy(env.api.url);
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await env?.close();
});

async function uploadExpectingError(page: Page, image: Buffer): Promise<FtfErrorDetail> {
  const before = (await events(page, 'ftf-error')).length;
  await widget(page).locator('#file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: image });
  return (await nextEvent(page, 'ftf-error', before)).detail as unknown as FtfErrorDetail;
}

/** axe-core over the page, shadow roots included; only serious and critical findings fail. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

describe('<find-this-fit> errors in words a shopper understands', () => {
  it('409 from the server: says the search was updated, no pointless retry', async () => {
    const page = await openWidget(browser, env, { 'api-base': proxy.url });
    proxy.fail('/v1/search', 409, {
      error: { code: 'model_mismatch', message: 'index uses fixture.q8.x, query uses y' },
    });
    const error = await uploadExpectingError(page, await nearDuplicate(env.listings[0]!.image));
    expect(error).toMatchObject({ code: 'model_mismatch', status: 409 });
    const alert = widget(page).getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/just updated/);
    await expect(alert.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
    await expect(alert.getByRole('button', { name: 'Dismiss' }).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('503 from the server: says it is busy, and "Try again" succeeds once it is back', async () => {
    const page = await openWidget(browser, env, { 'api-base': proxy.url });
    // The client retries once by itself; both attempts fail.
    proxy.fail(
      '/v1/search',
      503,
      { error: { code: 'unavailable', message: 'database unreachable' } },
      { 'retry-after': '1' },
      2,
    );
    const error = await uploadExpectingError(page, await nearDuplicate(env.listings[1]!.image));
    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    const alert = widget(page).getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/busy or under maintenance/);
    // Focus moved to the retry button: a keyboard user presses Enter.
    const focused = await page.evaluate(() =>
      document.querySelector('find-this-fit')!.shadowRoot!.activeElement?.textContent?.trim(),
    );
    expect(focused).toBe('Try again');
    const before = (await events(page, 'ftf-results')).length;
    await page.keyboard.press('Enter');
    const detail = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
    expect(detail.results[0]?.id).toBe(env.listings[1]!.id);
    await expect(widget(page).getByRole('alert').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('429: asks to wait the seconds the server names', async () => {
    const page = await openWidget(browser, env, { 'api-base': proxy.url });
    proxy.fail('/v1/search', 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '2' }, 2);
    const error = await uploadExpectingError(page, await nearDuplicate(env.listings[0]!.image));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    await expect(widget(page).getByRole('alert').textContent()).resolves.toMatch(/Please wait 2 seconds and try again/);
    await page.context().close();
  });

  it('a file that is not an image, and a model that is not the server’s, each get their own message', async () => {
    const page = await openWidget(browser, env);
    const error = await uploadExpectingError(page, Buffer.from('this is not a photo at all'));
    expect(error.code).toBe('not_an_image');
    await expect(widget(page).getByRole('alert').textContent()).resolves.toMatch(/isn’t a photo we can read/);
    await page.context().close();

    const wrongModel = await openWidget(browser, env, {
      model: 'fixture-siglip',
      'model-url': '/models/fixture-siglip',
    });
    const mismatch = await uploadExpectingError(wrongModel, await nearDuplicate(env.listings[0]!.image));
    expect(mismatch.code).toBe('model_mismatch');
    expect(mismatch.detail).toMatch(/fixture-siglip/);
    await wrongModel.context().close();
  });
});

describe('<find-this-fit> accessibility', () => {
  it('has no serious axe violations: idle, with results, with an error, dark, on a phone', async () => {
    const page = await openWidget(browser, env);
    expect(await axeViolations(page)).toEqual([]);
    await choosePhoto(page, await nearDuplicate(env.listings[2]!.image));
    await widget(page).locator('details.filters summary').click();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();

    const dark = await openWidget(browser, env, { theme: 'dark' }, PHONE);
    await choosePhoto(dark, await nearDuplicate(env.listings[3]!.image));
    expect(await axeViolations(dark)).toEqual([]);
    await uploadExpectingError(dark, Buffer.from('not an image'));
    expect(await axeViolations(dark)).toEqual([]);
    await dark.context().close();
  });

  it('works keyboard-only from the page to a result and "more like this", with focus where the shopper needs it', async () => {
    const page = await openWidget(browser, env, { k: '4' });
    const target = env.listings[4]!;
    // Tab from the top of the page: the first stop inside the widget is "Choose a photo".
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() =>
      document.querySelector('find-this-fit')!.shadowRoot!.activeElement?.textContent?.trim(),
    );
    expect(first).toBe('Choose a photo');
    // Space activates the button (headless Chromium does not report a file chooser opened from Enter after a Tab).
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press(' ')]);
    const before = (await events(page, 'ftf-results')).length;
    await chooser.setFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: await nearDuplicate(target.image) });
    await nextEvent(page, 'ftf-results', before);
    const active = () =>
      page.evaluate(() => {
        const el = document.querySelector('find-this-fit')!.shadowRoot!.activeElement as HTMLElement | null;
        return { tag: el?.tagName, text: el?.textContent?.trim(), id: el?.id, label: el?.getAttribute('aria-label') };
      });
    await expect(active()).resolves.toMatchObject({ id: 'results-heading' });

    // Tab on through the filters summary to the first result's link, then to its "More like this".
    for (let i = 0; i < 10; i++) {
      const now = await active();
      if (now.tag === 'A') break;
      await page.keyboard.press('Tab');
    }
    await expect(active()).resolves.toMatchObject({ tag: 'A', text: target.listing.title });
    await page.keyboard.press('Tab');
    await expect(active()).resolves.toMatchObject({ label: `More like this: ${target.listing.title}` });
    const count = (await events(page, 'ftf-results')).length;
    await page.keyboard.press('Enter');
    const similar = (await nextEvent(page, 'ftf-results', count)).detail as unknown as FtfResultsDetail;
    expect(similar.kind).toBe('similar');
    await expect(active()).resolves.toMatchObject({ id: 'results-heading' });

    // The crop box is reachable and movable by keyboard too.
    const box = widget(page).locator('ftf-cropper .box');
    await box.focus();
    await page.keyboard.press('Shift+ArrowUp');
    await expect(box.getAttribute('aria-label')).resolves.toMatch(/98% high/);
    await expect(widget(page).getByRole('button', { name: 'Search this area' }).isEnabled()).resolves.toBe(true);
    await page.context().close();
  });

  it('names the crop box in the page language, and lets the host page style its parts', async () => {
    const page = await openWidget(browser, env, { lang: 'fr' });
    await page.addStyleTag({ content: 'find-this-fit::part(cropper-box) { outline: 3px solid rgb(255, 0, 0); }' });
    await choosePhoto(page, await nearDuplicate(env.listings[3]!.image));
    const box = widget(page).locator('ftf-cropper .box');
    await expect(box.getAttribute('aria-roledescription')).resolves.toBe('cadre de sélection');
    await expect(box.getAttribute('aria-label')).resolves.toBe(
      'Zone sélectionnée : 0% depuis la gauche, 0% depuis le haut, 100% de large, 100% de haut',
    );
    await box.focus();
    await page.keyboard.press('Shift+ArrowUp');
    await expect(box.getAttribute('aria-label')).resolves.toMatch(/98% de haut$/);
    // The cropper's parts reach the page through the widget's exportparts.
    await expect(box.evaluate((el) => getComputedStyle(el).outlineColor)).resolves.toBe('rgb(255, 0, 0)');
    await page.context().close();
  });

  it('speaks the page language (strings and prices), follows the theme, and respects reduced motion', async () => {
    const page = await openWidget(browser, env, { lang: 'fr', theme: 'dark' });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect(widget(page).getByRole('button', { name: 'Choisir une photo' }).isVisible()).resolves.toBe(true);
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[5]!.image));
    const first = detail.results[0]!;
    const expected = new Intl.NumberFormat('fr', { style: 'currency', currency: first.price!.currency }).format(
      first.price!.amount / 100,
    );
    const shown = await widget(page).locator('ul.grid li').first().locator('.price').textContent();
    expect(shown).toBe(expected);
    await expect(widget(page).locator('[role=status]').textContent()).resolves.toMatch(/articles similaires trouvés/);
    const styles = await page.evaluate(() => {
      const host = document.querySelector('find-this-fit')!;
      const card = host.shadowRoot!.querySelector('.card')!;
      return { bg: getComputedStyle(host).backgroundColor, transition: getComputedStyle(card).transitionDuration };
    });
    expect(styles.bg).toBe('rgb(27, 28, 31)');
    expect(styles.transition).toBe('0s');
    await page.context().close();
  });
});

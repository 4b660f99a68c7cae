import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { FtfResultsDetail } from '../../src/events.js';
import { PUBLISHABLE, type WidgetEnv } from './widget-env.js';

export interface LoggedEvent {
  type: string;
  detail: Record<string, unknown>;
  at: number;
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** Opens the test shop with the widget configured by attributes (defaults: the env's server, fixture model, WASM). */
export async function openWidget(
  browser: Browser,
  env: WidgetEnv,
  attributes: Record<string, string | null> = {},
  viewport = DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  return openWidgetAt(context, env.page.url, {
    'api-base': env.api.url,
    'api-key': PUBLISHABLE,
    'model-url': '/models/fixture',
    device: 'wasm',
    k: '8',
    ...attributes,
  });
}

/** Opens the shop page at `pageUrl` in `context` and sets the widget's attributes. */
export async function openWidgetAt(
  context: BrowserContext,
  pageUrl: string,
  attributes: Record<string, string | null>,
): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`${pageUrl}/`);
  await page.evaluate(async () => customElements.whenDefined('find-this-fit'));
  await setAttributes(page, attributes);
  return page;
}

export async function setAttributes(page: Page, attributes: Record<string, string | null>): Promise<void> {
  await page.evaluate((attrs) => {
    const element = document.querySelector('find-this-fit')!;
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null) element.removeAttribute(name);
      else element.setAttribute(name, value);
    }
  }, attributes);
}

export function widget(page: Page): Locator {
  return page.locator('find-this-fit');
}

export async function events(page: Page, type?: string): Promise<LoggedEvent[]> {
  const all = (await page.evaluate(() => (window as unknown as { ftfEvents: LoggedEvent[] }).ftfEvents)) ?? [];
  return type ? all.filter((e) => e.type === type) : all;
}

/** Waits until more than `already` events of `type` were seen; returns the newest. */
export async function nextEvent(page: Page, type: string, already: number, timeout = 50_000): Promise<LoggedEvent> {
  const errorsBefore = (await events(page, 'ftf-error')).length;
  // A failure of the action under test may fire before this call: errors newer than the last awaited event
  // count too (when there was one), as do errors arriving from now on.
  await page.waitForFunction(
    ({ type, already, errorsBefore }) => {
      const log = (window as unknown as { ftfEvents: { type: string; at: number }[] }).ftfEvents;
      const ofType = log.filter((e) => e.type === type);
      if (ofType.length > already || type === 'ftf-error') return ofType.length > already;
      const errors = log.filter((e) => e.type === 'ftf-error');
      const since = already > 0 ? ofType[already - 1]!.at : Number.POSITIVE_INFINITY;
      return errors.length > errorsBefore || errors.some((e) => e.at > since);
    },
    { type, already, errorsBefore },
    { timeout, polling: 50 },
  );
  const list = await events(page, type);
  if (list.length > already) return list[list.length - 1]!;
  const error = (await events(page, 'ftf-error')).at(-1);
  throw new Error(`expected ${type}, got ftf-error: ${JSON.stringify(error?.detail)}`);
}

/** Picks a photo through the real file input and waits for the results it produces. */
export async function choosePhoto(
  page: Page,
  image: Buffer,
  name = 'outfit.jpg',
  timeout = 50_000,
): Promise<FtfResultsDetail> {
  const before = (await events(page, 'ftf-results')).length;
  await widget(page).locator('#file').setInputFiles({ name, mimeType: 'image/jpeg', buffer: image });
  return (await nextEvent(page, 'ftf-results', before, timeout)).detail as unknown as FtfResultsDetail;
}

/** Result card titles as rendered, in DOM order. */
export async function renderedTitles(page: Page): Promise<string[]> {
  return widget(page)
    .locator('ul.grid li .title a')
    .allTextContents()
    .then((t) => t.map((s) => s.trim()));
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { nearDuplicate } from '@find-this-fit/testing/photos';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtfResultsDetail } from '../../src/events.js';
import { DIST_DIR, PUBLISHABLE, startWidgetEnv, type WidgetEnv } from '../helpers/widget-env.js';
import { choosePhoto, events, nextEvent, openWidget, setAttributes, widget } from '../helpers/widget-page.js';

/** The budget for what a host page downloads before a shopper acts. */
const INITIAL_BUDGET_GZIP = 30 * 1024;

let env: WidgetEnv;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([startWidgetEnv({ count: 12 }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('<find-this-fit> devices and bytes', () => {
  it('keeps the initial script within 30 KB gzip, with no model code in it', async () => {
    for (const file of ['find-this-fit.js', 'find-this-fit.iife.js']) {
      const source = await readFile(join(DIST_DIR, file));
      const gzip = gzipSync(source, { level: 9 }).length;
      console.log(`${file}: ${source.length} B, ${gzip} B gzip (budget ${INITIAL_BUDGET_GZIP})`);
      expect(gzip).toBeLessThanOrEqual(INITIAL_BUDGET_GZIP);
      expect(source.toString()).not.toMatch(/onnxruntime|InferenceSession|AutoTokenizer/);
    }
    const worker = await readFile(join(DIST_DIR, 'embed-worker.js'), 'utf8');
    expect(worker).toMatch(/AutoTokenizer|InferenceSession/);
    // The ORT WASM files ship with the widget (never a CDN) and are not inlined into the worker.
    expect(worker.length).toBeLessThan(4_000_000);
    // Both builds, under content-hashed names (served with immutable caching) listed in ort-runtime.json.
    const runtime = JSON.parse(await readFile(join(DIST_DIR, 'ort/ort-runtime.json'), 'utf8'));
    expect(runtime.webgpu.wasm).toMatch(/^ort-wasm-simd-threaded\.asyncify\.[0-9a-f]{10}\.wasm$/);
    expect(runtime.wasm.wasm).toMatch(/^ort-wasm-simd-threaded\.[0-9a-f]{10}\.wasm$/);
    await expect(readFile(join(DIST_DIR, 'ort', runtime.webgpu.wasm))).resolves.toBeTruthy();
    await expect(readFile(join(DIST_DIR, 'ort', runtime.wasm.wasm))).resolves.toBeTruthy();
  });

  it('ships custom-elements.json describing the element, its attributes, events, parts and custom properties', async () => {
    const manifest = JSON.parse(await readFile(join(DIST_DIR, '../custom-elements.json'), 'utf8')) as {
      modules: {
        declarations?: {
          tagName?: string;
          attributes?: { name: string }[];
          events?: { name: string }[];
          cssParts?: { name: string }[];
          cssProperties?: { name: string }[];
        }[];
      }[];
    };
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'find-this-fit');
    expect(element).toBeDefined();
    const names = (list?: { name: string }[]) => (list ?? []).map((x) => x.name);
    expect(names(element!.attributes)).toEqual(
      expect.arrayContaining(['api-base', 'api-key', 'k', 'model', 'device', 'theme', 'lang']),
    );
    expect(names(element!.events)).toEqual(
      expect.arrayContaining(['ftf-results', 'ftf-select', 'ftf-error', 'ftf-model-progress']),
    );
    expect(names(element!.cssParts)).toEqual(expect.arrayContaining(['base', 'result', 'more-like-this']));
    expect(names(element!.cssProperties)).toEqual(expect.arrayContaining(['--ftf-accent', '--ftf-bg']));
  });

  it('offers the camera on touch devices, and lets hosts replace any string', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${env.page.url}/`);
    await page.evaluate(async () => customElements.whenDefined('find-this-fit'));
    await expect(widget(page).getByRole('button', { name: 'Take a photo' }).isVisible()).resolves.toBe(true);
    await expect(widget(page).locator('#camera').getAttribute('capture')).resolves.toBe('environment');
    await page.evaluate(() => {
      document.querySelector('find-this-fit')!.strings = { heading: 'Shop the look', choosePhoto: 'Upload an outfit' };
    });
    await expect(widget(page).locator('h2').textContent()).resolves.toBe('Shop the look');
    await expect(widget(page).getByRole('button', { name: 'Upload an outfit' }).isVisible()).resolves.toBe(true);
    await context.close();
  });

  it('fetches nothing heavy until a shopper acts, then loads the worker, model and WASM from its own origin', async () => {
    const page = await openWidget(browser, env);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // Reload to watch from the very first request; attributes are set as a host page would.
    const attributes = {
      'api-base': env.api.url,
      'api-key': PUBLISHABLE,
      'model-url': '/models/fixture',
      device: 'wasm',
    };
    await page.reload();
    await page.evaluate(async () => customElements.whenDefined('find-this-fit'));
    await setAttributes(page, attributes);
    await page.waitForTimeout(500);
    expect(requests.filter((u) => /embed-worker|\/models\/|\/ort\/|\/v1\//.test(u))).toEqual([]);

    const detail = await choosePhoto(page, await nearDuplicate(env.listings[0]!.image));
    expect(detail.results[0]?.id).toBe(env.listings[0]!.id);
    const used = requests.filter((u) => /embed-worker|\/models\/|\/ort\//.test(u));
    expect(used.some((u) => u.endsWith('/widget/embed-worker.js'))).toBe(true);
    // On WASM the worker loads the plain CPU build of ONNX Runtime, never the (twice as large) WebGPU one.
    expect(used.some((u) => /\/widget\/ort\/ort-wasm-simd-threaded\.[0-9a-f]{10}\.wasm$/.test(u))).toBe(true);
    expect(used.some((u) => u.includes('asyncify'))).toBe(false);
    expect(requests.every((u) => u.startsWith('http://127.0.0.1') || u.startsWith('blob:'))).toBe(true);

    // A second visit (same browser profile) takes the weights from the browser cache, not the network.
    const again = await page.context().newPage();
    const modelGets: string[] = [];
    again.on('request', (r) => {
      if (r.method() === 'GET' && r.url().endsWith('.onnx')) modelGets.push(r.url());
    });
    await again.goto(page.url());
    await again.evaluate(async () => customElements.whenDefined('find-this-fit'));
    await setAttributes(again, attributes);
    const second = await choosePhoto(again, await nearDuplicate(env.listings[1]!.image));
    expect(second.results[0]?.id).toBe(env.listings[1]!.id);
    expect(second.timings.modelLoadMs).toBeGreaterThan(0);
    expect(modelGets).toEqual([]);
    await page.context().close();
  });

  it('device=server sends the cropped photo to the server instead of loading a model', async () => {
    const page = await openWidget(browser, env, { device: 'server' });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[2]!.image));
    expect(detail.device).toBe('server');
    expect(detail.results[0]?.id).toBe(env.listings[2]!.id);
    expect(requests.some((u) => u.includes('/v1/search/image'))).toBe(true);
    expect(requests.some((u) => /embed-worker|\/models\//.test(u))).toBe(false);
    // Refinement needs the text encoder, which only runs in the browser: not offered here.
    await expect(widget(page).getByLabel('Refine with words').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('device=wasm is honoured, and auto falls back to the server when the model cannot load here', async () => {
    const wasm = await openWidget(browser, env, { device: 'wasm' });
    expect((await choosePhoto(wasm, await nearDuplicate(env.listings[3]!.image))).device).toBe('wasm');
    await wasm.context().close();

    const broken = await openWidget(browser, env, { device: 'auto', 'model-url': '/models/missing-model' });
    const detail = await choosePhoto(broken, await nearDuplicate(env.listings[3]!.image));
    expect(detail.device).toBe('server');
    expect(detail.results[0]?.id).toBe(env.listings[3]!.id);
    await broken.context().close();
  });

  it('works as a classic <script> drop-in (IIFE build), finding its worker next to the script', async () => {
    const url = await env.putPageFile(
      'classic.html',
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>classic</title></head><body>
<script>window.ftfEvents = []; document.addEventListener('ftf-results', (e) => ftfEvents.push({ type: 'ftf-results', detail: e.detail, at: performance.now() }));
document.addEventListener('ftf-error', (e) => ftfEvents.push({ type: 'ftf-error', detail: e.detail, at: performance.now() }));</script>
<script src="/widget/find-this-fit.iife.js"></script>
<find-this-fit api-base="${env.api.url}" api-key="${PUBLISHABLE}" model-url="/models/fixture" device="wasm"></find-this-fit>
</body></html>`,
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    const detail = await choosePhoto(page, await nearDuplicate(env.listings[5]!.image));
    expect(detail.results[0]?.id).toBe(env.listings[5]!.id);
    await context.close();
  });

  it('inside the iOS app: takes its configuration from host.init and opens results through the host', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The simulated native side: answers host.ready, records everything the widget sends.
    await page.addInitScript(() => {
      const sent: unknown[] = [];
      (window as unknown as { nativeSent: unknown[] }).nativeSent = sent;
      let n = 0;
      const handler = {
        postMessage(message: { id: string; type: string }) {
          sent.push(message);
          const reply = (payload: unknown) => ({
            v: 1,
            id: `ios-${++n}`,
            type: 'reply',
            replyTo: message.id,
            ok: true,
            payload,
          });
          if (message.type === 'host.ready')
            return Promise.resolve(
              reply({ hostVersion: '1.0 (1)', capabilities: ['photo.pick', 'result.open', 'log'] }),
            );
          if (message.type === 'result.open') return Promise.resolve(reply({ opened: 'app' }));
          return Promise.resolve(reply({}));
        },
      };
      (window as unknown as { webkit: unknown }).webkit = { messageHandlers: { findThisFit: handler } };
    });
    await page.goto(`${env.page.url}/`);
    await page.waitForFunction(() =>
      (window as unknown as { nativeSent: { type: string }[] }).nativeSent.some((m) => m.type === 'host.ready'),
    );
    const init = {
      v: 1,
      id: 'ios-100',
      type: 'host.init',
      payload: { locale: 'fr-FR', theme: 'dark', apiBase: env.api.url, apiKey: PUBLISHABLE, k: 5, device: 'wasm' },
    };
    const reply = await page.evaluate(
      (m) =>
        (
          window as unknown as { __findThisFitBridge: { receive(m: unknown): Promise<{ ok: boolean }> } }
        ).__findThisFitBridge.receive(m),
      init,
    );
    expect(reply.ok).toBe(true);
    await page.evaluate(() => document.querySelector('find-this-fit')!.setAttribute('model-url', '/models/fixture'));
    await expect(widget(page).getByRole('button', { name: 'Choisir une photo' }).isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => document.querySelector('find-this-fit')!.getAttribute('theme'))).resolves.toBe(
      'dark',
    );

    const before = (await events(page, 'ftf-results')).length;
    await widget(page)
      .locator('#file')
      .setInputFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: await nearDuplicate(env.listings[6]!.image) });
    const detail = (await nextEvent(page, 'ftf-results', before)).detail as unknown as FtfResultsDetail;
    expect(detail.results.length).toBeGreaterThan(0);
    expect(detail.results.length).toBeLessThanOrEqual(5); // k from host.init
    const url = page.url();
    await widget(page).locator('ul.grid li').first().locator('a').click();
    const opened = await page.evaluate(() =>
      (window as unknown as { nativeSent: { type: string; payload: unknown }[] }).nativeSent.filter(
        (m) => m.type === 'result.open',
      ),
    );
    expect(opened).toEqual([
      {
        v: 1,
        id: expect.any(String),
        type: 'result.open',
        payload: { url: detail.results[0]!.url, appUrl: detail.results[0]!.appUrl },
      },
    ]);
    expect(page.url()).toBe(url);
    await context.close();
  });
});

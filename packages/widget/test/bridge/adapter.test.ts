import { resolve } from 'node:path';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativeHost } from './native-host.js';
import { example, exampleFiles, invalidExamples, REQUEST_DEFS, schemaErrors } from './protocol.js';

// The widget's bridge adapter in real headless Chromium, against a simulated iOS host that checks every
// message against the protocol's JSON Schema (ios-bridge/protocol/bridge-protocol.schema.json).
let server: StaticServer;
let browser: Browser;

type Reply = Record<string, unknown> & { ok: boolean; replyTo: string | null; error?: { code: string } };

async function openPage(host?: ReturnType<typeof createNativeHost>): Promise<Page> {
  const page = await browser.newPage();
  if (host) await page.exposeFunction('nativePostMessage', host.postMessage);
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
  if (host) await page.evaluate(() => window.harness.installNative());
  return page;
}

/** What the iOS host does to reach the widget: callAsyncJavaScript → __findThisFitBridge.receive. */
async function receive(page: Page, message: unknown): Promise<Reply> {
  const reply = (await page.evaluate((m) => window.harness.receive(m), message)) as Reply;
  expect(schemaErrors(reply), JSON.stringify(reply)).toBe('');
  return reply;
}

beforeAll(async () => {
  const dist = await buildTestPage(resolve(import.meta.dirname, 'page'));
  server = await serveStatic({ '/': dist });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('without the native handler (a normal browser)', () => {
  it('connectNativeBridge resolves null and installs nothing', async () => {
    const page = await openPage();
    const result = await page.evaluate(() => window.harness.connect());
    expect(result).toEqual({ value: null });
    expect(await page.evaluate(() => window.harness.hasGlobal())).toBe(false);
    expect(await page.evaluate(() => 'webkit' in window)).toBe(false);
    await page.close();
  });
});

describe('in the simulated WKWebView', () => {
  const host = createNativeHost();
  let page: Page;

  beforeAll(async () => {
    page = await openPage(host);
    const connected = await page.evaluate(() => window.harness.connect({ widgetVersion: '0.1.0', timeoutMs: 2000 }));
    expect(connected).toEqual({ value: { capabilities: ['photo.pick', 'result.open', 'log', 'camera'] } });
  });

  afterAll(async () => {
    await page?.close();
  });

  it('announces itself with host.ready, valid against the schema', () => {
    const ready = host.log.received[0] as { type: string; payload: Record<string, unknown> };
    expect(ready.type).toBe('host.ready');
    expect(ready.payload).toEqual({
      widgetVersion: '0.1.0',
      protocolVersion: 1,
      capabilities: ['host.init', 'search.image'],
    });
    expect(host.log.violations).toEqual([]);
  });

  it('installs window.__findThisFitBridge', async () => {
    expect(await page.evaluate(() => window.harness.hasGlobal())).toBe(true);
  });

  it('answers the host.init example and hands the settings to the widget', async () => {
    const message = example('host-init.json');
    const reply = await receive(page, message);
    expect(reply).toMatchObject({ type: 'reply', ok: true, replyTo: message.id, payload: {} });
    expect(schemaErrors(reply.payload, 'emptyResult')).toBe('');
    const calls = await page.evaluate(() => window.harness.calls.init);
    expect(calls.at(-1)).toEqual(message.payload);
  });

  it('answers the search.image example with the result count and top ids', async () => {
    const message = example('search-image.json');
    const reply = await receive(page, message);
    expect(reply).toMatchObject({ ok: true, replyTo: message.id, payload: { resultCount: 2, topIds: ['41', '7'] } });
    expect(schemaErrors(reply.payload, 'searchImageResult')).toBe('');
    const calls = await page.evaluate(() => window.harness.calls.searchImage);
    expect(calls.at(-1)).toEqual(message.payload);
  });

  it('answers every request example: native → JS handled, JS → native ones unsupported', async () => {
    const requests = exampleFiles()
      .map((f) => example(f))
      .filter((m) => m.type !== 'reply');
    expect(requests.length).toBe(Object.keys(REQUEST_DEFS).length);
    for (const message of requests) {
      const reply = await receive(page, message);
      const handled = message.type === 'host.init' || message.type === 'search.image';
      expect(reply.ok, String(message.type)).toBe(handled);
      expect(reply.replyTo).toBe(message.id);
      if (!handled) expect(reply.error?.code).toBe('unsupported');
    }
  });

  it('answers a well-formed message of an unknown type with unsupported', async () => {
    const reply = await receive(page, { v: 1, id: 'ios-99', type: 'cart.add', payload: { id: '1' } });
    expect(reply).toMatchObject({ ok: false, replyTo: 'ios-99', error: { code: 'unsupported' } });
  });

  const nativeToJs = invalidExamples().filter((x) => x.direction === 'native-to-js');
  it.each(nativeToJs.map((x) => [x.file, x] as const))('rejects invalid/%s with invalid_message', async (_f, x) => {
    const calls = await page.evaluate(() => window.harness.calls.init.length + window.harness.calls.searchImage.length);
    const reply = await receive(page, x.message);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const id = (x.message as { id?: unknown })?.id;
    expect(reply.replyTo).toBe(typeof id === 'string' ? id : null);
    // Nothing reached the widget's handlers.
    expect(await page.evaluate(() => window.harness.calls.init.length + window.harness.calls.searchImage.length)).toBe(
      calls,
    );
  });

  // The adapter's hand-written checks must agree with the schema on near-misses, not just on the examples.
  it('accepts exactly what the schema accepts, on one-field variations of the native → JS examples', async () => {
    const init = example('host-init.json');
    const search = example('search-image.json');
    const withPayload = (m: Record<string, unknown>, patch: Record<string, unknown>) => ({
      ...m,
      payload: { ...(m.payload as object), ...patch },
    });
    const variations = [
      withPayload(init, { locale: 'pt_BR' }),
      withPayload(init, { locale: 'english' }),
      withPayload(init, { locale: 'e' }),
      withPayload(init, { theme: 'dark' }),
      withPayload(init, { apiBase: 'http://192.168.1.20:8787' }),
      withPayload(init, { apiBase: 'ftp://search.example.com' }),
      withPayload(init, { apiBase: 'https://search.example.com/a b' }),
      withPayload(init, { apiKey: '' }),
      withPayload(init, { apiKey: 'pk live' }),
      withPayload(init, { k: 1 }),
      withPayload(init, { k: 100 }),
      withPayload(init, { k: 101 }),
      withPayload(init, { k: 2.5 }),
      withPayload(init, { k: '20' }),
      withPayload(init, { model: '' }),
      withPayload(init, { device: 'webgpu' }),
      withPayload(init, { device: 'gpu' }),
      withPayload(search, { url: 'app://bundle/photos/a.webp' }),
      withPayload(search, { url: 'app://bundle/photos/a.gif' }),
      withPayload(search, { url: 'app://other/photos/a.jpg' }),
      withPayload(search, { url: 'app://bundle/photos/a%2F..%2Fb.jpg' }),
      withPayload(search, { mimeType: 'image/png' }),
      withPayload(search, { mimeType: 'image/gif' }),
      { ...search, id: 'x'.repeat(65) },
      { ...search, id: 'ios 1' },
      { ...search, v: '1' },
      { ...search, extra: true },
      { ...search, payload: [] },
    ];
    for (const message of variations) {
      const schemaOk = schemaErrors(message) === '';
      const reply = await receive(page, message);
      expect(reply.ok, JSON.stringify(message)).toBe(schemaOk);
      if (!schemaOk) expect(reply.error?.code).toBe('invalid_message');
    }
  });

  it('rejects reply envelopes and non-objects sent as requests', async () => {
    const asRequest = example('search-image.reply.json');
    expect(await receive(page, asRequest)).toMatchObject({
      ok: false,
      replyTo: asRequest.id,
      error: { code: 'invalid_message' },
    });
    for (const message of [null, 42, [], 'host.init', { v: 1 }]) {
      const reply = await receive(page, message);
      expect(reply).toMatchObject({ ok: false, replyTo: null, error: { code: 'invalid_message' } });
    }
  });

  it('maps the widget handler failures to error replies', async () => {
    const message = example('search-image.json');
    const codes: Record<string, string> = { not_found: 'not_found', throw: 'internal', 'bad-result': 'internal' };
    for (const [behaviour, code] of Object.entries(codes)) {
      await page.evaluate((b) => window.harness.setSearchBehaviour(b as 'ok'), behaviour);
      const reply = await receive(page, message);
      expect(reply, behaviour).toMatchObject({ ok: false, replyTo: message.id, error: { code } });
    }
    await page.evaluate(() => window.harness.setSearchBehaviour('ok'));
  });

  it('pickPhoto returns the photo URL from the library, and null when the user cancels the camera', async () => {
    expect(await page.evaluate(() => window.harness.pickPhoto('library'))).toEqual({
      value: { url: 'app://bundle/photos/1F2E3D4C.jpg' },
    });
    expect(await page.evaluate(() => window.harness.pickPhoto('camera'))).toEqual({ value: null });
    const bad = await page.evaluate(() => window.harness.pickPhoto('roll' as 'camera'));
    expect(bad).toMatchObject({ error: { name: 'TypeError' } });
  });

  it('openResult reports how the listing was opened, and validates its input', async () => {
    const withApp = { url: 'https://www.depop.com/products/x/', appUrl: 'depop://product/1' };
    expect(await page.evaluate((r) => window.harness.openResult(r), withApp)).toEqual({ value: 'app' });
    expect(await page.evaluate(() => window.harness.openResult({ url: 'https://example.com/a' }))).toEqual({
      value: 'safari',
    });
    const bad = await page.evaluate(() => window.harness.openResult({ url: 'javascript:alert(1)' }));
    expect(bad).toMatchObject({ error: { name: 'TypeError' } });
  });

  it('log posts a valid log message and never throws', async () => {
    const before = host.log.received.length;
    await page.evaluate(() => window.harness.log('info', 'model loaded on wasm'));
    await page.evaluate(() => window.harness.log('loud' as 'info', 'dropped'));
    await expect.poll(() => host.log.received.length).toBe(before + 1);
    expect(host.log.received.at(-1)).toMatchObject({ type: 'log', payload: { level: 'info' } });
  });

  it('every message the widget posted was valid against the schema', () => {
    expect(host.log.received.length).toBeGreaterThan(5);
    expect(host.log.violations).toEqual([]);
  });

  it('a reply to another request is rejected with invalid_message', async () => {
    host.state.badReply = true;
    const result = await page.evaluate(() => window.harness.openResult({ url: 'https://example.com/a' }));
    host.state.badReply = false;
    expect(result).toMatchObject({ error: { name: 'BridgeError', code: 'invalid_message' } });
  });

  it('times out when the host does not reply', async () => {
    host.state.silent = true;
    const started = Date.now();
    const result = await page.evaluate(() => window.harness.openResult({ url: 'https://example.com/a' }));
    host.state.silent = false;
    expect(result).toMatchObject({ error: { name: 'BridgeError', code: 'timeout' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('dispose removes the global and stops answering', async () => {
    await page.evaluate(() => window.harness.dispose());
    expect(await page.evaluate(() => window.harness.hasGlobal())).toBe(false);
    expect(await page.evaluate(() => window.harness.openResult({ url: 'https://example.com/a' }))).toMatchObject({
      error: { code: 'unsupported' },
    });
  });
});

describe('a host that never answers host.ready', () => {
  it('rejects with a timeout and leaves no global behind', async () => {
    const host = createNativeHost();
    host.state.silent = true;
    const page = await openPage(host);
    const result = await page.evaluate(() => window.harness.connect({ timeoutMs: 300 }));
    expect(result).toMatchObject({ error: { name: 'BridgeError', code: 'timeout' } });
    expect(await page.evaluate(() => window.harness.hasGlobal())).toBe(false);
    await page.close();
  });
});

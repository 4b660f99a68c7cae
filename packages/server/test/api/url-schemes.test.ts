import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { isAllowedAppUrl, isWebUrl } from '../../src/url-schemes.js';
import {
  type Backend,
  client,
  DIM,
  listing,
  MODEL,
  pgliteBackend,
  postgresBackend,
  postgresUrl,
  serve,
  type TestServer,
  testConfig,
} from './harness.js';

const vector = (i: number) => Array.from({ length: DIM }, (_, j) => (j === i % DIM ? 1 : 0));

// Every spelling a browser would run or embed, including the ones the URL parser "cleans up" first.
const HOSTILE = [
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  '\u0001javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  'javascript://example.com/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'blob:https://example.com/uuid',
  '//evil.example/x',
  'https://exa mple.com/',
];

describe('URL rule', () => {
  it('web links: http(s) with a host only', () => {
    expect(isWebUrl('https://example.com/a?b=1')).toBe(true);
    expect(isWebUrl('HTTP://EXAMPLE.COM/')).toBe(true);
    // A raw space in the path was always accepted (the parser encodes it); stored links with one stay valid.
    expect(isWebUrl('https://cdn.example/my photo.jpg')).toBe(true);
    for (const value of [
      ...HOSTILE,
      'depop://product/1',
      'https:///nohost',
      'https:\\\\evil.example',
      'http:example.com',
    ]) {
      expect(isWebUrl(value), value).toBe(false);
    }
  });

  it('app links: web links or an allowed scheme followed by //', () => {
    expect(isAllowedAppUrl('depop://product/abc', ['depop'])).toBe(true);
    expect(isAllowedAppUrl('DEPOP://product/abc', ['depop'])).toBe(true);
    expect(isAllowedAppUrl('https://www.depop.com/products/abc/', ['depop'])).toBe(true);
    expect(isAllowedAppUrl('vinted://item/1', ['depop'])).toBe(false);
    expect(isAllowedAppUrl('depop:product/abc', ['depop'])).toBe(false);
    expect(isAllowedAppUrl('depop://', ['depop'])).toBe(false);
    for (const value of HOSTILE) expect(isAllowedAppUrl(value, ['depop', 'javascript']), value).toBe(false);
  });
});

const pgUrl = postgresUrl();
const backends: Array<readonly [string, () => Backend]> = [
  ['pglite', pgliteBackend],
  ...(pgUrl ? [['postgres', () => postgresBackend(pgUrl)] as const] : []),
];

describe.each(backends)('PUT /v1/items refuses unsafe URL schemes (%s)', (_name, make) => {
  const backend = make();
  let store: Store;
  let server: TestServer;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    store = await backend.open();
    server = await serve(store, testConfig({ FTF_APP_URL_SCHEMES: 'depop, vinted://' }));
    api = client(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await backend.cleanup();
  });

  const put = (extra: Record<string, unknown>) =>
    api('/v1/items', { method: 'PUT', body: { model: MODEL, items: [listing('u1', vector(1), extra)] } });

  it.each(['url', 'imageUrl', 'appUrl'])('%s: every hostile spelling is a 400 naming the field', async (field) => {
    for (const value of HOSTILE) {
      const response = await put({ [field]: value });
      expect(response.status, `${field}=${JSON.stringify(value)}`).toBe(400);
      expect(response.json.error.code).toBe('invalid_request');
      expect(response.json.error.message).toContain(field);
    }
  });

  it('url and imageUrl never take an app scheme; appUrl takes the configured ones', async () => {
    expect((await put({ url: 'depop://product/1' })).status).toBe(400);
    expect((await put({ imageUrl: 'depop://product/1' })).status).toBe(400);
    expect((await put({ appUrl: 'fb://profile/1' })).status).toBe(400);
    for (const appUrl of ['depop://product/1', 'vinted://item/2', 'https://www.depop.com/products/x/', null]) {
      const response = await put({ appUrl });
      expect(response.status, String(appUrl)).toBe(200);
    }
  });
});

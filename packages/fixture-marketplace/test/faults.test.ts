import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startFixtureMarketplace } from '../src/index.js';
import { jsonLdOf } from './helpers/normalise.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({ count: 20, seed: 6 });
});
afterEach(() => market.faults.clear());
afterAll(() => market?.close());

const depopSearch = () => `${market.sources.depop.apiBase}/search/products/?limit=5`;
const imageOf = (i = 0) => market.listings[i]!.imageUrl;

describe('fault injection', () => {
  it('status: 429 with Retry-After for `times` requests, then the real answer', async () => {
    const handle = market.faults.add({
      match: '/shopify/products.json',
      times: 2,
      fault: { type: 'status', status: 429, retryAfter: 3 },
    });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${market.sources.shopify.storeUrl}/products.json`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      await res.arrayBuffer();
    }
    expect(handle.hits).toBe(2);
    expect(handle.remaining).toBe(0);
    expect((await fetch(`${market.sources.shopify.storeUrl}/products.json`)).status).toBe(200);
  });

  it('status: 503 with custom headers and body; remove() ends it', async () => {
    const handle = market.faults.add({
      match: /^\/shop\//,
      fault: { type: 'status', status: 503, headers: { 'x-why': 'maintenance' }, body: 'down' },
    });
    const res = await fetch(`${market.url}/shop/sitemap.xml`);
    expect([res.status, res.headers.get('x-why'), await res.text()]).toEqual([503, 'maintenance', 'down']);
    expect((await fetch(depopSearch())).status).toBe(200); // other paths unaffected
    handle.remove();
    expect((await fetch(`${market.url}/shop/sitemap.xml`)).status).toBe(200);
  });

  it('delay: the real response arrives late, and a client timeout fires first', async () => {
    market.faults.add({ match: '/robots.txt', times: 2, fault: { type: 'delay', ms: 400 } });
    const started = performance.now();
    const res = await fetch(`${market.url}/robots.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('User-agent');
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    await expect(fetch(`${market.url}/robots.txt`, { signal: AbortSignal.timeout(100) })).rejects.toThrow(
      /abort|timeout/i,
    );
  });

  it('reset: the connection is destroyed and logged with status 0', async () => {
    market.faults.add({ match: '/depop/', times: 1, fault: { type: 'reset' } });
    market.resetLog();
    await expect(fetch(depopSearch())).rejects.toThrow(/fetch failed/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(market.requests.find((r) => r.path.startsWith('/depop/'))?.status).toBe(0);
  });

  it('malformed: JSON, HTML (inside the JSON-LD) and JPEG are cut short with status 200', async () => {
    market.faults.add({ match: '/depop/', times: 1, fault: { type: 'malformed' } });
    const json = await fetch(depopSearch());
    expect(json.status).toBe(200);
    const text = await json.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"meta"')).toBe(true);

    const page = market.listings.find((l) => l.source === 'jsonld')!.url;
    market.faults.add({ match: new URL(page).pathname, times: 1, fault: { type: 'malformed' } });
    const html = await (await fetch(page)).text();
    expect(html).toContain('application/ld+json');
    expect(() => jsonLdOf(html)).toThrow();
    expect(jsonLdOf(await (await fetch(page)).text()).name).toBeTruthy(); // times: 1

    market.faults.add({ match: '/images/', times: 1, fault: { type: 'malformed' } });
    const cut = Buffer.from(await (await fetch(imageOf())).arrayBuffer());
    const whole = Buffer.from(await (await fetch(imageOf())).arrayBuffer());
    expect(cut.length).toBe(Math.floor(whole.length / 2));
    await expect(sharp(cut).raw().toBuffer()).rejects.toThrow();
  });

  it('challenge: 403 with cf-mitigated: challenge and an interstitial page', async () => {
    market.faults.add({ match: '/depop/', fault: { type: 'challenge' } });
    const res = await fetch(depopSearch());
    expect(res.status).toBe(403);
    expect(res.headers.get('cf-mitigated')).toBe('challenge');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('Just a moment...');
  });

  it('redirect: to the cloud metadata address or a private network', async () => {
    market.faults.add({
      match: '/shop/sitemap.xml',
      times: 1,
      fault: { type: 'redirect', location: 'http://169.254.169.254/latest/meta-data' },
    });
    market.faults.add({
      match: '/images/',
      times: 1,
      fault: { type: 'redirect', location: 'http://10.0.0.1/', status: 301 },
    });
    const a = await fetch(`${market.url}/shop/sitemap.xml`, { redirect: 'manual' });
    expect([a.status, a.headers.get('location')]).toEqual([302, 'http://169.254.169.254/latest/meta-data']);
    const b = await fetch(imageOf(), { redirect: 'manual' });
    expect([b.status, b.headers.get('location')]).toEqual([301, 'http://10.0.0.1/']);
  });

  it('oversized-image: a real JPEG padded to the given size', async () => {
    market.faults.add({ match: '/images/', times: 1, fault: { type: 'oversized-image', bytes: 5_000_000 } });
    const res = await fetch(imageOf(1));
    expect(res.headers.get('content-length')).toBe('5000000');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(5_000_000);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('decompression-bomb: a few KB claiming 30000×30000 pixels', async () => {
    market.faults.add({ match: '/images/', times: 1, fault: { type: 'decompression-bomb' } });
    const res = await fetch(imageOf(2));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBeLessThan(16_000);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([30_000, 30_000]); // PNG IHDR
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 30_000, 30_000]);
    await expect(sharp(bytes).toBuffer()).rejects.toThrow(/pixel limit/i); // sharp's default guard catches it
  });

  it('wrong-content-type: the real body under another Content-Type', async () => {
    market.faults.add({ match: '/images/', times: 1, fault: { type: 'wrong-content-type', contentType: 'text/html' } });
    const res = await fetch(imageOf(3));
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('first matching rule wins; clear() removes all', async () => {
    market.faults.add({ match: '/robots', fault: { type: 'status', status: 500 } });
    market.faults.add({ match: '/', fault: { type: 'status', status: 502 } });
    expect((await fetch(`${market.url}/robots.txt`)).status).toBe(500);
    expect((await fetch(depopSearch())).status).toBe(502);
    market.faults.clear();
    expect((await fetch(`${market.url}/robots.txt`)).status).toBe(200);
  });

  it('rejects bad rules with clear errors', () => {
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    const add = (rule: any) => () => market.faults.add(rule);
    expect(add({ match: 'depop', fault: { type: 'reset' } })).toThrow(/path prefix starting with "\/" or a RegExp/);
    expect(add({ match: '/', fault: { type: 'explode' } })).toThrow(/fault.type must be one of/);
    expect(add({ match: '/', fault: { type: 'status' } })).toThrow(/fault.status must be an integer/);
    expect(add({ match: '/', times: 0, fault: { type: 'reset' } })).toThrow(/times must be a positive integer/);
    expect(add({ match: '/', fault: { type: 'redirect' } })).toThrow(/fault.location/);
    expect(add({ match: '/', fault: { type: 'redirect', location: 'http://x/', status: 200 } })).toThrow(/301, 302/);
    expect(add({ match: '/', fault: { type: 'delay', ms: -1 } })).toThrow(/fault.ms/);
    expect(add({ match: '/', fault: { type: 'oversized-image' } })).toThrow(/fault.bytes/);
    expect(market.faults.rules).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startFixtureMarketplace } from '../src/index.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({ count: 10 });
});
afterAll(() => market?.close());

describe('request log', () => {
  it('records method, path, headers, status and time of every request in order', async () => {
    market.resetLog();
    const before = Date.now();
    const headers = { 'user-agent': 'FindThisFitBot/0.1 (+https://example.test/bot)' };
    await (await fetch(`${market.url}/robots.txt`, { headers })).text();
    await (await fetch(`${market.url}/nope`, { headers })).text();
    const etag = (await fetch(`${market.url}/shop/sitemap.xml`)).headers.get('etag')!;
    await (await fetch(`${market.url}/shop/sitemap.xml`, { headers: { 'if-none-match': etag } })).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(market.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/robots.txt', 200],
      ['GET', '/nope', 404],
      ['GET', '/shop/sitemap.xml', 200],
      ['GET', '/shop/sitemap.xml', 304],
    ]);
    expect(market.requests[0]!.headers['user-agent']).toBe(headers['user-agent']);
    expect(market.requests[3]!.headers['if-none-match']).toBe(etag);
    expect(market.requests[0]!.at).toBeGreaterThanOrEqual(before);
  });

  it('keeps at most about maxLoggedRequests entries, dropping the oldest', async () => {
    const small = await startFixtureMarketplace({ count: 1, maxLoggedRequests: 10 });
    try {
      for (let i = 0; i < 1100; i++) await (await fetch(`${small.url}/nope-${i}`)).arrayBuffer();
      expect(small.requests.length).toBeLessThanOrEqual(1010);
      expect(small.requests.at(-1)?.path).toBe('/nope-1099');
      expect(small.requests.some((r) => r.path === '/nope-0')).toBe(false);
    } finally {
      await small.close();
    }
  });

  it('tracks the peak number of requests in flight', async () => {
    market.resetLog();
    for (let i = 0; i < 3; i++) await (await fetch(`${market.url}/robots.txt`)).text();
    expect(market.maxConcurrent).toBe(1);
    market.faults.add({ match: '/robots.txt', times: 4, fault: { type: 'delay', ms: 500 } });
    await Promise.all(Array.from({ length: 4 }, async () => (await fetch(`${market.url}/robots.txt`)).text()));
    expect(market.maxConcurrent).toBe(4);
    market.resetLog();
    expect(market.requests).toHaveLength(0);
    expect(market.maxConcurrent).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startFixtureMarketplace } from '../src/index.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({ count: 30, seed: 4 });
});
afterAll(() => market?.close());

const of = (source: string) => market.listings.find((l) => l.source === source && l.status === 'active')!;

const paths = () => [
  '/robots.txt',
  '/depop/api/v3/search/products/?limit=5',
  new URL(of('depop').url).pathname,
  '/shopify/products.json?limit=250&page=1',
  new URL(of('shopify').url).pathname,
  '/shop/sitemap.xml',
  '/shop/sitemap-products-1.xml',
  new URL(of('jsonld').url).pathname,
  `/images/${of('jsonld').key}.jpg?w=640`,
];

describe('conditional GETs', () => {
  it('every JSON, HTML, XML, text and image response has an ETag and Last-Modified and answers 304', async () => {
    for (const path of paths()) {
      const first = await fetch(market.url + path);
      expect(first.status, path).toBe(200);
      await first.arrayBuffer();
      const etag = first.headers.get('etag');
      const lastModified = first.headers.get('last-modified');
      expect(etag, path).toMatch(/^"[^"]+"$/);
      expect(lastModified, path).toMatch(/GMT$/);
      const byTag = await fetch(market.url + path, { headers: { 'if-none-match': etag! } });
      expect(byTag.status, path).toBe(304);
      expect(byTag.headers.get('etag')).toBe(etag);
      expect((await byTag.arrayBuffer()).byteLength).toBe(0);
      const byDate = await fetch(market.url + path, { headers: { 'if-modified-since': lastModified! } });
      expect(byDate.status, path).toBe(304);
      // If-None-Match wins over If-Modified-Since (RFC 9110).
      const stale = await fetch(market.url + path, {
        headers: { 'if-none-match': '"old"', 'if-modified-since': lastModified! },
      });
      expect(stale.status, path).toBe(200);
      await stale.arrayBuffer();
    }
  });

  it('a mutation changes ETag and Last-Modified, so old validators get 200 with the new body', async () => {
    const listing = of('jsonld');
    const before = await Promise.all(paths().map((p) => fetch(market.url + p)));
    await Promise.all(before.map((r) => r.arrayBuffer()));
    market.setPrice(listing.key, listing.price.amount + 100);
    market.changeImage(listing.key);
    for (const [i, path] of paths().entries()) {
      // Only what lists or shows the changed listing changes; other feeds keep their bodies and validators.
      if (path === '/robots.txt' || path.startsWith('/depop') || path.startsWith('/shopify/')) continue;
      const old = before[i]!;
      const again = await fetch(market.url + path, { headers: { 'if-none-match': old.headers.get('etag')! } });
      expect(again.status, path).toBe(200);
      expect(again.headers.get('etag'), path).not.toBe(old.headers.get('etag'));
      await again.arrayBuffer();
      const byDate = await fetch(market.url + path, {
        headers: { 'if-modified-since': old.headers.get('last-modified')! },
      });
      expect(byDate.status, path).toBe(200);
      expect(Date.parse(byDate.headers.get('last-modified')!)).toBeGreaterThan(
        Date.parse(old.headers.get('last-modified')!),
      );
      await byDate.arrayBuffer();
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const path = `/images/${of('depop').key}.jpg?w=150`;
    const get = await fetch(market.url + path);
    const body = await get.arrayBuffer();
    const head = await fetch(market.url + path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(Number(head.headers.get('content-length'))).toBe(body.byteLength);
  });
});

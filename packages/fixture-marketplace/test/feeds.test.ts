import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startFixtureMarketplace } from '../src/index.js';
import { getJson, getText, locs, walkDepop, walkJsonLd, walkShopify } from './helpers/feeds.js';
import { canonicalOf, fromJsonLd, jsonLdOf } from './helpers/normalise.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({ count: 120, seed: 2 });
});
afterAll(() => market?.close());

/** Sends a raw request line (fetch would normalise it) and returns the status code. */
function rawStatus(origin: string, requestLine: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
    socket.on('error', reject);
  });
}

const expected = (source: string) => market.listings.filter((l) => l.source === source).map(canonicalOf);

describe('feeds walked end to end', () => {
  it('Depop-like search: cursor pages carry every Depop listing exactly once, in canonical form', async () => {
    const { pages, items } = await walkDepop(market, 7);
    expect(pages).toBe(Math.ceil(60 / 7));
    expect(items).toEqual(expected('depop'));
  });

  it('Depop-like search: meta, page_info and the object shape', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(`${market.sources.depop.apiBase}/search/products/?limit=2`);
    expect(body.meta.total_count).toBe(60);
    expect(body.page_info).toEqual({ has_more: true, last: expect.any(String) });
    const [o] = body.objects;
    expect(Object.keys(o)).toEqual(
      expect.arrayContaining([
        'id',
        'slug',
        'description',
        'category_name',
        'sizes',
        'attributes',
        'status',
        'pictures',
        'preview',
        'pricing',
      ]),
    );
    expect(typeof o.id).toBe('number');
    // As the web search answers (public clients' recordings): pictures and preview as formats.P0.url.
    expect(o.preview.formats.P0.url).toMatch(/\/images\/depop-\d+\.jpg\?w=640$/);
    expect(o.pictures[0].formats.P0.url).toBe(o.preview.formats.P0.url);
    expect(o.sizes[0]).toEqual({ id: 1, name: expect.any(String), quantity: 1 });
    expect(o.pricing.currency).toMatch(/^(GBP|USD)$/);
    expect(o.pricing.original_price.price_breakdown.price.amount).toMatch(/^\d+\.\d{2}$/);
    expect(['ONSALE', 'SOLD']).toContain(o.status);
  });

  it('Depop-like search: reduced prices use current_price as the final price', async () => {
    const reduced = market.listings.find((l) => l.source === 'depop' && l.originalPrice !== null);
    expect(reduced).toBeDefined();
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(`${market.sources.depop.apiBase}/search/products/?limit=100`);
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const o = body.objects.find((x: any) => String(x.id) === reduced?.externalId);
    expect(o.pricing.final_price_key).toBe('current_price');
    expect(o.pricing.is_reduced).toBe(true);
    expect(Number(o.pricing.original_price.total_price)).toBeGreaterThan(Number(o.pricing.current_price.total_price));
  });

  it('Depop-like search: `what` filters by words, bad limits and cursors are a 400', async () => {
    const word = market.listings.find((l) => l.source === 'depop')!.category.toLowerCase();
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(
      `${market.sources.depop.apiBase}/search/products/?what=${encodeURIComponent(word)}&limit=100`,
    );
    expect(body.objects.length).toBeGreaterThan(0);
    expect(body.meta.total_count).toBe(body.objects.length);
    for (const o of body.objects) expect(`${o.description} ${o.category_name}`.toLowerCase()).toContain(word);
    for (const q of ['limit=0', 'limit=101', 'limit=x', 'after=bogus']) {
      const res = await fetch(`${market.sources.depop.apiBase}/search/products/?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.message).toMatch(/limit|cursor/);
    }
  });

  it('Depop product pages carry a schema.org Product matching the listing', async () => {
    const listing = market.listings.find((l) => l.source === 'depop')!;
    const product = jsonLdOf(await getText(listing.url));
    expect(product['@type']).toBe('Product');
    expect(product.name).toBe(listing.title);
    expect(fromJsonLd(product).price).toEqual(listing.price);
    expect(product.offers.url).toBe(listing.url);
  });

  it('Shopify-like products.json: pages until empty carry every Shopify listing exactly once', async () => {
    const { pages, items } = await walkShopify(market, 10);
    expect(pages).toBe(Math.ceil(36 / 10) + 1); // the last request is the empty page
    expect(items).toEqual(expected('shopify'));
  });

  it('Shopify-like products.json: default limit 30, capped at 250, product shape', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(`${market.sources.shopify.storeUrl}/products.json`);
    expect(body.products).toHaveLength(30);
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const capped: any = await getJson(`${market.sources.shopify.storeUrl}/products.json?limit=9999`);
    expect(capped.products).toHaveLength(36);
    const [p] = body.products;
    expect(p.variants[0].price).toMatch(/^\d+\.\d{2}$/);
    expect(p.variants[0]).toMatchObject({
      option1: expect.any(String),
      option2: null,
      option3: null,
      available: expect.any(Boolean),
    });
    expect(p.images[0]).toMatchObject({ src: expect.stringContaining('/images/shopify-'), width: 640, height: 640 });
    expect((await fetch(`${market.sources.shopify.storeUrl}/products.json?page=0`)).status).toBe(400);
    const single = await getJson<{ product: { id: number } }>(
      `${market.sources.shopify.storeUrl}/products/${p.handle}.json`,
    );
    expect(single.product.id).toBe(p.id);
    expect(jsonLdOf(await getText(`${market.sources.shopify.storeUrl}/products/${p.handle}`)).name).toBe(p.title);
  });

  it('JSON-LD shop: sitemap index → url set → pages carry every JSON-LD listing exactly once', async () => {
    const { sitemaps, items } = await walkJsonLd(market);
    expect(sitemaps).toBe(1);
    expect(items).toEqual(expected('jsonld'));
  });

  it('JSON-LD shop: sold listings say SoldOut or OutOfStock', async () => {
    const active = market.listings.filter((l) => l.source === 'jsonld' && l.status === 'active');
    const sold = [active.find((l) => l.n % 2 === 0)!, active.find((l) => l.n % 2 === 1)!];
    for (const l of sold) market.markSold(l.key);
    const availability = await Promise.all(sold.map(async (l) => jsonLdOf(await getText(l.url)).offers.availability));
    expect(availability.sort()).toEqual(['https://schema.org/OutOfStock', 'https://schema.org/SoldOut']);
    expect((await walkJsonLd(market)).items).toEqual(expected('jsonld'));
  });

  it('splits feeds by pageSize, sitemaps included', async () => {
    const small = await startFixtureMarketplace({ count: 50, pageSize: 4 });
    try {
      const index = locs(await getText(small.sources.jsonld.sitemapUrl));
      expect(index).toHaveLength(Math.ceil(10 / 4));
      expect((await walkJsonLd(small)).items).toHaveLength(10);
      expect((await walkDepop(small, 100)).pages).toBe(Math.ceil(25 / 4));
      expect((await walkShopify(small, 250)).pages).toBe(Math.ceil(15 / 4) + 1);
      expect((await fetch(`${small.url}/shop/sitemap-products-9.xml`)).status).toBe(404);
    } finally {
      await small.close();
    }
  });

  it('serves robots.txt (default: all but /private/, no Crawl-delay) and a custom one', async () => {
    const text = await getText(`${market.url}/robots.txt`);
    expect(text).toContain('User-agent: *\nDisallow: /private/');
    expect(text).toContain(`Sitemap: ${market.url}/shop/sitemap.xml`);
    expect(text).not.toMatch(/crawl-delay/i);
    const custom = await startFixtureMarketplace({
      count: 1,
      robotsTxt: 'User-agent: *\nDisallow: /\nCrawl-delay: 2\n',
    });
    try {
      expect(await getText(`${custom.url}/robots.txt`)).toBe('User-agent: *\nDisallow: /\nCrawl-delay: 2\n');
      custom.robotsTxt = 'User-agent: *\nAllow: /\n';
      expect(await getText(`${custom.url}/robots.txt`)).toBe('User-agent: *\nAllow: /\n');
    } finally {
      await custom.close();
    }
  });

  it('answers 404 for unknown paths and listings, 405 for other methods, 400 for bad image widths', async () => {
    expect((await fetch(`${market.url}/nope`)).status).toBe(404);
    expect((await fetch(`${market.url}/shop/products/no-such-thing`)).status).toBe(404);
    expect((await fetch(`${market.url}/images/nope.jpg`)).status).toBe(404);
    expect((await fetch(`${market.url}/robots.txt`, { method: 'POST' })).status).toBe(405);
    const key = market.listings[0]!.key;
    expect((await fetch(`${market.url}/images/${key}.jpg?w=5`)).status).toBe(400);
    const res = await fetch(`${market.url}/images/${key}.jpg?w=150`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await rawStatus(market.url, 'GET //evil.example/x HTTP/1.1')).toBe(400);
    expect(await rawStatus(market.url, 'GET /shop/products/%E0%A4%A HTTP/1.1')).toBe(404);
  });
});

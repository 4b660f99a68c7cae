import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depopShopId, EBAY_FIXTURE_CREDENTIALS, type Marketplace, startFixtureMarketplace } from '../src/index.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({
    count: 30,
    seed: 9,
    pageSize: 4,
    extraSources: { woocommerce: 7, ebay: 9 },
    sitemapGzip: true,
  });
});
afterAll(() => market?.close());

const of = (source: string) => market.listings.filter((l) => l.source === source);
// biome-ignore lint/suspicious/noExplicitAny: wire formats
const json = async (path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> => {
  const res = await fetch(market.url + path, init);
  return { status: res.status, headers: res.headers, body: res.status === 304 ? null : await res.json() };
};

describe('gzipped child sitemaps under the index', () => {
  it('lists .xml.gz children served as application/x-gzip, each <lastmod> the page’s own Last-Modified', async () => {
    const index = await (await fetch(`${market.url}/shop/sitemap.xml`)).text();
    const children = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
    expect(children.length).toBe(Math.ceil(of('jsonld').length / 4));
    expect(children.every((c) => c.endsWith('.xml.gz'))).toBe(true);
    const res = await fetch(children[0]!);
    expect(res.headers.get('content-type')).toBe('application/x-gzip');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const xml = gunzipSync(bytes).toString();
    const first = of('jsonld')[0]!;
    const lastmod = new RegExp(`<loc>${first.url}</loc>\\s*<lastmod>([^<]+)</lastmod>`).exec(xml)?.[1];
    const page = await fetch(first.url);
    expect(Date.parse(lastmod!)).toBe(Date.parse(page.headers.get('last-modified')!));
    const again = await fetch(children[0]!, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('a change moves only the changed page’s <lastmod>', async () => {
    const [changed, untouched] = of('jsonld');
    const read = async () =>
      gunzipSync(
        Buffer.from(await (await fetch(`${market.url}/shop/sitemap-products-1.xml.gz`)).arrayBuffer()),
      ).toString();
    const lastmodOf = (xml: string, url: string) =>
      new RegExp(`<loc>${url}</loc>\\s*<lastmod>([^<]+)</lastmod>`).exec(xml)?.[1];
    const before = await read();
    market.setPrice(changed!.key, changed!.price.amount + 100);
    const after = await read();
    expect(lastmodOf(after, changed!.url)).not.toBe(lastmodOf(before, changed!.url));
    expect(lastmodOf(after, untouched!.url)).toBe(lastmodOf(before, untouched!.url));
  });
});

describe('WooCommerce Store API', () => {
  it('pages with page/per_page, totals in X-WP-Total / X-WP-TotalPages, prices in minor units', async () => {
    const first = await json('/woo/wp-json/wc/store/v1/products?page=1&per_page=4');
    expect(first.headers.get('x-wp-total')).toBe('7');
    expect(first.headers.get('x-wp-totalpages')).toBe('2');
    const second = await json('/woo/wp-json/wc/store/v1/products?page=2&per_page=4');
    const products = [...first.body, ...second.body];
    expect(products.map((p: { id: number }) => String(p.id))).toEqual(of('woocommerce').map((l) => l.externalId));
    const [p] = first.body;
    const listing = of('woocommerce')[0]!;
    expect(p.prices).toMatchObject({
      currency_code: 'GBP',
      currency_minor_unit: 2,
      price: String(listing.price.amount),
    });
    expect(p.images[0].src).toBe(listing.imageUrl);
    expect(p.permalink).toBe(listing.url);
    expect(p.attributes.map((a: { name: string }) => a.name)).toEqual(['Size', 'Condition']);
    expect(p.is_in_stock).toBe(listing.status === 'active');
    expect((await json('/woo/wp-json/wc/store/v1/products?per_page=101')).status).toBe(400);
    expect((await fetch(listing.url)).status).toBe(200);
  });
});

describe('eBay-shaped Browse API', () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const mint = (
    authorization: string,
    body = 'grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope',
  ) =>
    json('/ebay/identity/v1/oauth2/token', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('mints an Application token for the right app keys only', async () => {
    const { clientId, clientSecret } = EBAY_FIXTURE_CREDENTIALS;
    const ok = await mint(basic(clientId, clientSecret));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ expires_in: 7200, token_type: 'Application Access Token' });
    expect((await mint(basic(clientId, 'wrong'))).body.error).toBe('invalid_client');
    expect((await mint(basic(clientId, clientSecret), 'grant_type=password')).body.error).toBe(
      'unsupported_grant_type',
    );
  });

  it('searches with a Bearer token only; used conditions; limit/offset with next while more follow', async () => {
    expect((await json('/ebay/buy/browse/v1/item_summary/search?q=')).status).toBe(401);
    const { clientId, clientSecret } = EBAY_FIXTURE_CREDENTIALS;
    const token = (await mint(basic(clientId, clientSecret))).body.access_token as string;
    const headers = { authorization: `Bearer ${token}`, 'x-ebay-c-marketplace-id': 'EBAY_US' };
    const items = [];
    let path: string | null =
      '/ebay/buy/browse/v1/item_summary/search?q=&category_ids=11450&filter=conditions%3A%7BUSED%7D&limit=4&offset=0';
    while (path) {
      const page = await json(path, { headers });
      expect(page.status).toBe(200);
      items.push(...(page.body.itemSummaries ?? []));
      path = page.body.next ? new URL(page.body.next).pathname + new URL(page.body.next).search : null;
    }
    expect(items.map((i: { itemId: string }) => i.itemId)).toEqual(of('ebay').map((l) => l.externalId));
    expect(items[0]).toMatchObject({ image: { imageUrl: of('ebay')[0]!.imageUrl }, itemWebUrl: of('ebay')[0]!.url });
    expect(Number(items[0].conditionId)).toBeGreaterThanOrEqual(2000);
    const fairOnly = await json(
      '/ebay/buy/browse/v1/item_summary/search?q=&filter=conditionIds%3A%7B3010%7D&limit=50',
      { headers },
    );
    expect((fairOnly.body.itemSummaries ?? []).every((i: { conditionId: string }) => i.conditionId === '3010')).toBe(
      true,
    );
    market.ebay.revokeAll();
    expect((await json('/ebay/buy/browse/v1/item_summary/search?q=', { headers })).status).toBe(401);
  });
});

describe('Depop shop products', () => {
  it('pages a seller’s shop by offset_id until meta.end, in the shop shape', async () => {
    const seller = of('depop')[0]!.seller;
    const shopId = depopShopId(seller);
    const ids: string[] = [];
    let offset = '';
    for (;;) {
      const page = await json(`/depop/api/v1/shop/${shopId}/products/?limit=2${offset ? `&offset_id=${offset}` : ''}`);
      for (const p of page.body.products) {
        expect(p.price).toMatchObject({
          price_amount: expect.stringMatching(/^\d+\.\d{2}$/),
          currency_name: expect.any(String),
        });
        expect(Object.keys(p.preview)).toEqual(['150', '640', '1280']);
        ids.push(String(p.id));
      }
      if (page.body.meta.end) break;
      offset = page.body.meta.last_offset_id;
    }
    expect(ids).toEqual(
      of('depop')
        .filter((l) => l.seller === seller)
        .map((l) => l.externalId),
    );
  });
});

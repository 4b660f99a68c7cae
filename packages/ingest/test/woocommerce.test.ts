import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MalformedPageError } from '../src/sources/fetch-json.js';
import { NormalizeError, type SourcePage } from '../src/sources/types.js';
import { normalizeWooCommerce, storeApiMoney, wooCommerceSource } from '../src/sources/woocommerce.js';
import { memoryLogger, testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';

// products-doc-example.json is the "List Products" example response of WooCommerce's Store API docs, verbatim;
// products-clothing.json follows it field for field, adding the fields the Store API's ProductSchema returns
// (categories, brands, attributes with terms).
const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/woocommerce/${name}`, import.meta.url), 'utf8')) as unknown[];
const [pennant] = recorded('products-doc-example.json');
const [jacket, dress] = recorded('products-clothing.json');

describe('woocommerce: Store API products', () => {
  it('maps the documented example response', () => {
    expect(normalizeWooCommerce(pennant, 'woocommerce:local.wordpress.test')).toEqual({
      source: 'woocommerce:local.wordpress.test',
      externalId: '34',
      title: 'WordPress Pennant',
      description: 'This is an external product.',
      brand: null,
      size: null,
      category: null,
      condition: null,
      conditionRaw: null,
      price: { amount: 1105, currency: 'GBP' },
      url: 'https://local.wordpress.test/product/wordpress-pennant/',
      appUrl: null,
      imageUrl: 'https://local.wordpress.test/wp-content/uploads/2020/03/pennant-1.jpg',
      status: 'active',
    });
  });

  it('reads the sale price, decodes entities, takes size and condition from attributes, brand and category', () => {
    expect(normalizeWooCommerce(jacket, 'shop')).toMatchObject({
      title: 'Vintage Suede Jacket – Tan',
      brand: 'Levi’s',
      size: 'M',
      category: 'Jackets',
      condition: 'excellent',
      conditionRaw: 'Excellent',
      price: { amount: 3200, currency: 'GBP' },
      status: 'active',
    });
  });

  it('an out-of-stock product is sold', () => {
    expect(normalizeWooCommerce(dress, 'shop')).toMatchObject({ status: 'sold', size: 'UK 10', brand: null });
  });

  it('minor units follow currency_minor_unit (0 for JPY, 3 for KWD)', () => {
    expect(storeApiMoney({ price: '1500', currency_minor_unit: 0, currency_code: 'JPY' }, 'price')).toEqual({
      amount: 1500,
      currency: 'JPY',
    });
    expect(storeApiMoney({ price: '12345', currency_minor_unit: 3, currency_code: 'KWD' }, 'price')).toEqual({
      amount: 12345,
      currency: 'KWD',
    });
    expect(storeApiMoney({ price: '5', currency_minor_unit: 2, currency_code: 'EUR' }, 'price')).toEqual({
      amount: 5,
      currency: 'EUR',
    });
    expect(() => storeApiMoney({ price: '11.05', currency_minor_unit: 2, currency_code: 'GBP' }, 'price')).toThrow(
      /prices\.price: expected minor units/,
    );
  });

  it('throws only NormalizeError, whatever the payload (property test)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalizeWooCommerce(value, 's');
        } catch (error) {
          return error instanceof NormalizeError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('woocommerce: paging by page/per_page until X-WP-TotalPages', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function walk(storeUrl: string, pageSize: number) {
    const { fetcher } = testFetcher();
    const pages: SourcePage[] = [];
    try {
      for await (const page of wooCommerceSource({ storeUrl }).pages(
        { fetcher, logger: memoryLogger().logger, pageSize },
        null,
      ))
        pages.push(page);
    } finally {
      await fetcher.close();
    }
    return pages;
  }

  it('asks for per_page ≤ 100 and stops at the last page the header names', async () => {
    const all = [pennant, jacket, dress];
    const server = await scriptedServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/wp-json/wc/store/v1/products') return res.writeHead(404).end();
      const perPage = Number(url.searchParams.get('per_page'));
      const page = Number(url.searchParams.get('page'));
      const body = all.slice((page - 1) * perPage, page * perPage);
      res
        .writeHead(200, {
          'content-type': 'application/json; charset=UTF-8',
          'x-wp-total': String(all.length),
          'x-wp-totalpages': String(Math.ceil(all.length / perPage)),
        })
        .end(JSON.stringify(body));
    });
    servers.push(server);
    const pages = await walk(server.url, 2);
    expect(pages.map((p) => [p.records.length, p.next, p.total])).toEqual([
      [2, '2', 3],
      [1, null, 3],
    ]);
    await walk(server.url, 250);
    expect(server.seen.map((s) => s.path).filter((p) => p.startsWith('/wp-json'))).toEqual([
      '/wp-json/wc/store/v1/products?page=1&per_page=2',
      '/wp-json/wc/store/v1/products?page=2&per_page=2',
      '/wp-json/wc/store/v1/products?page=1&per_page=100',
    ]);
  });

  it('a non-array body (the Store API off, a login page) names what it found', async () => {
    const server = await scriptedServer((_req, res) => {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'rest_no_route', message: 'No route' }));
    });
    servers.push(server);
    await expect(walk(server.url, 10)).rejects.toThrow(/HTTP 404/);
    const ok = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'x', data: {} }));
    });
    servers.push(ok);
    await expect(walk(ok.url, 10)).rejects.toThrow(MalformedPageError);
    await expect(walk(ok.url, 10)).rejects.toThrow(/found keys: code, data/);
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../src/fetcher/errors.js';
import { depopSource, normalizeDepop, pictureUrl, titleFromSlug } from '../src/sources/depop.js';
import { MalformedPageError } from '../src/sources/fetch-json.js';
import { NormalizeError, type SourcePage } from '../src/sources/types.js';
import { memoryLogger, testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';

// Recorded shapes (see the README's Depop section for where each comes from).
const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/depop/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const presentation = recorded('presentation-search.json');
const v3 = recorded('v3-search.json');
const shop = recorded('shop-products.json');
const itemsOf = (body: Record<string, unknown>, key: string) => body[key] as Array<Record<string, unknown>>;

function normalizeError(run: () => unknown): NormalizeError {
  try {
    run();
  } catch (error) {
    if (error instanceof NormalizeError) return error;
    throw error;
  }
  throw new Error('expected a NormalizeError');
}

describe('depop: the web search shape (objects, pricing.final_price_key, pictures[].formats.P0.url)', () => {
  const [set, watch] = itemsOf(presentation, 'objects');

  it('maps an object to the listing schema', () => {
    expect(normalizeDepop(set)).toEqual({
      source: 'depop',
      externalId: '823805820',
      title: 'Fashion Nova "can it be" set',
      description: 'Top and skirt, worn once. Stretchy.',
      brand: 'Fashion Nova',
      size: 'M',
      category: null,
      condition: 'excellent',
      conditionRaw: 'used_excellent',
      price: { amount: 1300, currency: 'USD' },
      url: 'https://www.depop.com/products/buono-fashion-nova-can-it-be-a567/',
      appUrl: 'depop://product/823805820',
      imageUrl: 'https://media-photos.depop.com/b1/36184471/2040588432_6b4aa1b6e06f4f2a8f5c54d0a0e1e6f4/P0.jpg',
      status: 'active',
    });
  });

  it('reads the reduced price under the key final_price_key names (current_price), a null brand, no sizes', () => {
    const listing = normalizeDepop(watch, 'http://127.0.0.1:9/depop');
    expect(listing).toMatchObject({
      price: { amount: 10500, currency: 'USD' },
      brand: null,
      size: null,
      condition: 'new',
      url: 'http://127.0.0.1:9/depop/products/jayusfinds-moissanite-rose-gold-luxury-watch-d1ca/',
    });
  });
});

describe('depop: the v3 search shape (products, total_price, discounted_price, width-keyed pictures)', () => {
  const [jeans, windbreaker] = itemsOf(v3, 'products');

  it('takes the discounted total when is_reduced, titles from the slug when there is no description', () => {
    expect(normalizeDepop(jeans)).toMatchObject({
      externalId: '402117733',
      title: 'Levis 501 vintage jeans w30',
      description: null,
      brand: "Levi's",
      size: 'W30 L32',
      price: { amount: 3600, currency: 'USD' },
      imageUrl: 'https://media-photos.depop.com/b1/2211/402117733_a1/P1.jpg',
      status: 'active',
    });
  });

  it('maps SOLD to sold and the original total when not reduced', () => {
    expect(normalizeDepop(windbreaker)).toMatchObject({ status: 'sold', price: { amount: 2850, currency: 'USD' } });
  });
});

describe('depop: the shop-products shape (price.price_amount, price.currency_name, preview keyed by width)', () => {
  const [jacket, dress] = itemsOf(shop, 'products');

  it('reads price_amount in currency_name and the smallest preview at least 640 px wide', () => {
    expect(normalizeDepop(jacket)).toMatchObject({
      externalId: '134792210',
      title: 'Vintage suede fringe jacket',
      price: { amount: 3800, currency: 'GBP' },
      imageUrl: 'https://media-photos.depop.com/b0/3510911/1083301822_5a2c/P0.jpg',
      status: 'active',
    });
  });

  it('takes discounted_price_amount when there is one; SOLD is sold', () => {
    expect(normalizeDepop(dress)).toMatchObject({ price: { amount: 1800, currency: 'GBP' }, status: 'sold' });
  });
});

describe('depop: drift is reported with the keys that were there', () => {
  const [set] = itemsOf(presentation, 'objects');

  it('names the field and lists the keys found', () => {
    const noPrice = { ...set, pricing: undefined };
    const error = normalizeError(() => normalizeDepop(noPrice));
    expect(error.field).toBe('pricing');
    expect(error.message).toMatch(/keys: id, brand_name, description, slug/);
    const emptyPricing = { ...set, pricing: { currency: 'USD', final_price_key: 'sale_price' } };
    expect(normalizeError(() => normalizeDepop(emptyPricing)).message).toMatch(
      /pricing\.sale_price: .*keys: currency, final_price_key/,
    );
    const noCurrency = structuredClone(set) as Record<string, Record<string, unknown>>;
    delete noCurrency.pricing!.currency;
    expect(normalizeError(() => normalizeDepop(noCurrency)).field).toBe('pricing.currency_name');
    expect(normalizeError(() => normalizeDepop({ ...set, status: 'RESERVED' })).field).toBe('status');
    expect(normalizeError(() => normalizeDepop({ ...set, pictures: [{ formats: {} }] })).message).toMatch(
      /pictures\[0\]\.formats: no P0/,
    );
  });

  it('keeps an unknown condition as raw text only', () => {
    const listing = normalizeDepop({ ...set, attributes: { condition: 'used_okay' } });
    expect(listing).toMatchObject({ condition: null, conditionRaw: 'used_okay' });
  });

  it('reads pictures in every recorded form', () => {
    expect(pictureUrl({ formats: { P0: { url: 'https://a/p0' } } }, 'p')).toBe('https://a/p0');
    expect(pictureUrl({ '150': 'https://a/150', '1280': 'https://a/1280', '480': 'https://a/480' }, 'p')).toBe(
      'https://a/1280',
    );
    expect(pictureUrl({ '150': 'https://a/150', '320': 'https://a/320' }, 'p')).toBe('https://a/320');
    expect(() => pictureUrl({ small: 'https://a' }, 'pictures[0]')).toThrow(/pictures\[0\]: no picture URL/);
    expect(titleFromSlug('seller-red-dress')).toBe('Red dress');
  });

  it('throws only NormalizeError, whatever the payload (property test)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalizeDepop(value);
        } catch (error) {
          return error instanceof NormalizeError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('depop: paging each recorded way, stopping at a bot challenge', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function walk(adapter: ReturnType<typeof depopSource>) {
    const { fetcher } = testFetcher();
    const pages: SourcePage[] = [];
    try {
      for await (const page of adapter.pages({ fetcher, logger: memoryLogger().logger, pageSize: 24 }, null))
        pages.push(page);
    } finally {
      await fetcher.close();
    }
    return pages;
  }
  const json = (body: unknown) => [200, { 'content-type': 'application/json' }, JSON.stringify(body)] as const;

  it('page_info.last → after, meta.cursor → cursor, meta.last_offset_id → offset_id', async () => {
    const server = await scriptedServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      let reply: readonly [number, Record<string, string>, string] = [404, {}, ''];
      if (url.pathname === '/web/search/products/')
        reply = json(
          url.searchParams.get('after')
            ? { ...presentation, page_info: { has_more: false, last: null } }
            : presentation,
        );
      if (url.pathname === '/v3/search/products/')
        reply = json(url.searchParams.get('cursor') ? { meta: {}, products: [] } : v3);
      if (url.pathname === '/v1/shop/3510911/products/')
        reply = json(url.searchParams.get('offset_id') ? { ...shop, meta: { end: true } } : shop);
      res.writeHead(reply[0], reply[1]).end(reply[2]);
    });
    servers.push(server);

    const web = await walk(depopSource({ apiBase: `${server.url}/web`, query: { what: 'set' } }));
    expect(web.map((p) => [p.records.length, p.next, p.total])).toEqual([
      [2, 'after:eyJvZmZzZXQiOjI0fQ', 28280],
      [2, null, 28280],
    ]);
    const v3Pages = await walk(depopSource({ apiBase: `${server.url}/v3` }));
    expect(v3Pages.map((p) => p.next)).toEqual(['cursor:MjQ', null]);
    const shopPages = await walk(depopSource({ apiBase: `${server.url}/v1`, shopId: '3510911' }));
    expect(shopPages.map((p) => p.next)).toEqual(['MTM0NzkyMjEx', null]);
    expect(server.seen.map((s) => s.path).filter((p) => !p.startsWith('/robots'))).toEqual([
      '/web/search/products/?what=set&limit=24',
      '/web/search/products/?what=set&limit=24&after=eyJvZmZzZXQiOjI0fQ',
      '/v3/search/products/?limit=24',
      '/v3/search/products/?limit=24&cursor=MjQ',
      '/v1/shop/3510911/products/?limit=24',
      '/v1/shop/3510911/products/?limit=24&offset_id=MTM0NzkyMjEx',
    ]);
  });

  it('an unknown page shape names the top-level keys it found', async () => {
    const server = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [], errors: [] }));
    });
    servers.push(server);
    await expect(walk(depopSource({ apiBase: server.url }))).rejects.toThrow(MalformedPageError);
    await expect(walk(depopSource({ apiBase: server.url }))).rejects.toThrow(/found keys: data, errors/);
  });

  it('a bot challenge stops the source after one request; nothing is retried or evaded', async () => {
    const server = await scriptedServer((req, res) => {
      if (req.url === '/robots.txt') return res.writeHead(404).end();
      res
        .writeHead(403, { 'cf-mitigated': 'challenge', 'content-type': 'text/html' })
        .end('<html>Just a moment</html>');
    });
    servers.push(server);
    await expect(walk(depopSource({ apiBase: server.url }))).rejects.toThrow(CircuitOpenError);
    expect(server.seen.filter((s) => s.path.startsWith('/search/'))).toHaveLength(1);
  });
});

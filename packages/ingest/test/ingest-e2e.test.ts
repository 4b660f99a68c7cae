import { depopShopId } from '@find-this-fit/fixture-marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config.js';
import type { RunSummary } from '../src/pipeline/summary.js';
import { StateStore } from '../src/state/state-store.js';
import type { ItemState } from '../src/state/types.js';
import { ingestOnce } from '../src/wiring.js';
import { memoryLogger } from './helpers/fetcher.js';
import {
  type Marketplace,
  marketConfig,
  SECRET,
  startFixtureMarketplace,
  startTestServer,
  tempDir,
} from './helpers/stack.js';

// One marketplace + one real server (PGlite, fixture model) for the whole file; runs build on each other.
// Every source shape: Depop (recorded web-search shape), Shopify, a JSON-LD shop behind gzipped child sitemaps,
// a WooCommerce Store API shop and the eBay-shaped Browse API (token endpoint + item_summary/search).
let market: Marketplace;
let stack: Awaited<ReturnType<typeof startTestServer>>;
const state = tempDir('ftf-ingest-e2e-');
const COUNT = 40;
const EXTRA = { woocommerce: 6, ebay: 6 };
const TOTAL = COUNT + EXTRA.woocommerce + EXTRA.ebay;

beforeAll(async () => {
  [market, stack] = await Promise.all([
    startFixtureMarketplace({ count: COUNT, seed: 7, pageSize: 10, extraSources: EXTRA, sitemapGzip: true }),
    startTestServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([market?.close(), stack?.close()]);
  state.remove();
});

const config = (extra: Record<string, unknown> = {}) => marketConfig(market, stack.server.url, state.path, extra, true);
async function run(extra: Record<string, unknown> = {}): Promise<RunSummary> {
  const { logger } = memoryLogger();
  market.resetLog();
  return ingestOnce(config(extra), { logger });
}
const imageRequests = () => market.requests.filter((r) => r.path.startsWith('/images/'));
const stored = (): Record<string, ItemState> => StateStore.peek(state.path).items;
/** The state entry of a marketplace listing (ingest names shopify/jsonld sources after their host). */
const externalIds = new Map<string, string>();
function entryOf(key: string): ItemState {
  const externalId = market.get(key)?.externalId ?? externalIds.get(key);
  if (externalId) externalIds.set(key, externalId);
  const found = Object.values(stored()).find((i) => i.listing.externalId === externalId);
  if (!found) throw new Error(`no state for ${key}`);
  return found;
}

describe('ingest against the fixture marketplace and a real server', () => {
  // Generous: this machine is shared; the work itself takes a fraction of this.
  it('a full run ingests every listing of every source once', { timeout: 180_000 }, async () => {
    const summary = await run();
    expect(summary.failed).toEqual({});
    expect(summary.skipped).toEqual({});
    expect(summary.new).toBe(TOTAL);
    expect(summary.embedded).toBe(TOTAL);
    // Listings already sold at their first sighting are stored sold and counted (the summary once said 0).
    const soldAtSource = market.listings.filter((l) => l.status === 'sold').length;
    expect(soldAtSource).toBeGreaterThan(0);
    expect(summary.sold).toBe(soldAtSource);
    expect(summary.outcome).toBe('completed');
    expect(Object.values(summary.sources).every((s) => s.completed)).toBe(true);
    const info = await stack.client.info();
    expect(info.items.total).toBe(TOTAL);
    expect(info.items.active).toBe(market.listings.filter((l) => l.status === 'active').length);
    // The JSON-LD shop's product pages came through its gzipped child sitemaps (`.xml.gz`, application/x-gzip).
    expect(market.requests.some((r) => /^\/shop\/sitemap-products-\d+\.xml\.gz$/.test(r.path))).toBe(true);
    // One eBay app token for the whole run, then Bearer-authorised searches.
    expect(market.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/ebay/identity/v1/oauth2/token',
    ]);
    // Each photo downloaded exactly once; one request in flight at a time (one host).
    const paths = imageRequests().map((r) => r.path);
    expect(paths).toHaveLength(TOTAL);
    expect(new Set(paths).size).toBe(TOTAL);
    expect(market.maxConcurrent).toBe(1);
    expect(
      market.requests.every((r) => String(r.headers['user-agent']).includes('+https://find-this-fit.example/bot')),
    ).toBe(true);

    // Spot-check one listing of each source through the API.
    for (const source of ['depop', 'shopify', 'jsonld', 'woocommerce', 'ebay'] as const) {
      const listing = market.listings.find((l) => l.source === source)!;
      const item = await stack.client.items.get(entryOf(listing.key).id);
      expect(item).toMatchObject({
        title: listing.title,
        price: listing.price,
        status: listing.status,
        imageUrl: listing.imageUrl,
      });
    }
  });

  it('a second run against the unchanged marketplace revalidates every page and feed and re-embeds nothing', async () => {
    const before = await stack.client.info();
    const summary = await run();
    expect(summary).toMatchObject({
      new: 0,
      updated: 0,
      unchanged: TOTAL,
      embedded: 0,
      failed: {},
      skipped: {},
      outcome: 'completed',
    });
    expect(imageRequests()).toHaveLength(0);
    // From the marketplace's request log: every page and feed request carried the validators of the first run
    // and was answered 304 (robots.txt, fetched once a run, and the eBay token POST are neither).
    const revalidated = market.requests.filter((r) => r.method === 'GET' && r.path !== '/robots.txt');
    expect(revalidated.length).toBeGreaterThan(0);
    for (const r of revalidated) {
      expect(r.headers['if-none-match'], r.path).toMatch(/^"/);
      expect(r.status, r.path).toBe(304);
    }
    const feeds = ['/depop/api/v3/search/', '/shopify/products.json', '/shop/sitemap.xml', '/shop/sitemap-products-'];
    for (const prefix of [...feeds, '/woo/wp-json/wc/store/v1/products', '/ebay/buy/browse/v1/item_summary/search'])
      expect(
        revalidated.some((r) => r.path.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(summary.notModified).toBe(revalidated.length);
    // Product pages whose sitemap <lastmod> is unchanged since they were ingested are not requested at all.
    expect(revalidated.filter((r) => r.path.startsWith('/shop/products/'))).toHaveLength(0);
    expect(summary.lastmodSkipped).toBe(market.listings.filter((l) => l.source === 'jsonld').length);
    expect(market.requests.filter((r) => r.method === 'POST')).toHaveLength(1); // this run's eBay token
    expect((await stack.client.info()).items).toEqual(before.items);
  });

  it('a price change and a sold listing are reflected, without re-embedding', async () => {
    const depop = market.listings.find((l) => l.source === 'depop' && l.status === 'active')!;
    const shop = market.listings.find((l) => l.source === 'shopify' && l.status === 'active')!;
    const page = market.listings.find((l) => l.source === 'jsonld' && l.status === 'active')!;
    market.setPrice(depop.key, 1234);
    market.setPrice(shop.key, 4321);
    market.markSold(page.key);
    const summary = await run();
    expect(summary).toMatchObject({ new: 0, updated: 3, unchanged: TOTAL - 3, embedded: 0, sold: 1 });
    // Only the changed page's <lastmod> moved: it alone was requested (conditionally, 200 with the new page).
    const pages = market.requests.filter((r) => r.path.startsWith('/shop/products/'));
    expect(pages.map((r) => [r.path, r.status])).toEqual([[new URL(page.url).pathname, 200]]);
    expect(pages[0]?.headers['if-none-match']).toMatch(/^"/);
    expect((await stack.client.items.get(entryOf(depop.key).id)).price?.amount).toBe(1234);
    expect((await stack.client.items.get(entryOf(shop.key).id)).price?.amount).toBe(4321);
    const sold = await stack.client.items.get(entryOf(page.key).id);
    expect(sold.status).toBe('sold');
    // Search hides it: its own vector no longer finds it.
    const vector = entryOf(page.key).vector;
    const { decodeVector } = await import('@find-this-fit/sdk');
    const hits = await stack.client.search({ vector: decodeVector(vector), k: 5 });
    expect(hits.results.map((r) => r.id)).not.toContain(sold.id);
    expect(entryOf(depop.key).firstSeen < entryOf(depop.key).lastSeen).toBe(true);
  });

  it('a listing missing for N consecutive runs is marked removed', async () => {
    const gone = market.listings.find((l) => l.source === 'shopify' && l.status === 'active')!;
    const id = entryOf(gone.key).id; // remembers the external id for after the removal
    market.remove(gone.key);
    const first = await run({ freshness: { removeAfterMissedRuns: 2 } });
    expect(first.removed).toBe(0);
    expect(entryOf(gone.key).missed).toBe(1);
    const second = await run({ freshness: { removeAfterMissedRuns: 2 } });
    expect(second.removed).toBe(1);
    expect((await stack.client.items.get(id)).status).toBe('removed');
  });

  it('a new photo at the same URL is re-embedded when images are re-checked (conditional GET, 304 for the rest)', async () => {
    const listing = market.listings.find((l) => l.source === 'depop' && l.status === 'active')!;
    const before = entryOf(listing.key).imageHash;
    market.changeImage(listing.key);
    const summary = await run({ images: { recheck: true } });
    expect(summary.embedded).toBe(1);
    expect(entryOf(listing.key).imageHash).not.toBe(before);
    const statuses = imageRequests().map((r) => r.status);
    expect(statuses.filter((s) => s === 304).length).toBe(statuses.length - 1);
    expect(imageRequests().every((r) => r.headers['if-none-match'] !== undefined)).toBe(true);
  });

  it("a Depop seller's shop (the shop-products shape, offset_id paging) lands with the same listings", async () => {
    const seller = market.listings.find((l) => l.source === 'depop')!.seller;
    const shop = market.listings.filter((l) => l.source === 'depop' && l.seller === seller);
    const own = tempDir('ftf-ingest-e2e-shop-');
    try {
      const shopConfig = buildConfig(
        {
          server: { url: stack.server.url },
          modelDir: config().modelDir,
          stateDir: own.path,
          userAgent: config().userAgent,
          sources: [{ type: 'depop', ...market.sources.depopShop, shopId: depopShopId(seller) }],
          fetch: { crawlDelayMs: 0, allowLoopback: true },
          batch: { pageSize: 2 },
        },
        { baseDir: own.path, env: { FTF_INGEST_API_KEY: SECRET } },
      );
      market.resetLog();
      const summary = await ingestOnce(shopConfig, { logger: memoryLogger().logger });
      expect(summary).toMatchObject({ new: shop.length, failed: {}, skipped: {}, outcome: 'completed' });
      expect(summary.sources.depop?.pages).toBe(Math.ceil(shop.length / 2));
      // Same (source, externalId) as the search crawl: the server updated its listings in place.
      const items = StateStore.peek(own.path).items;
      for (const listing of shop) {
        const entry = Object.values(items).find((i) => i.listing.externalId === listing.externalId)!;
        expect(entry.id).toBe(entryOf(listing.key).id);
        expect(await stack.client.items.get(entry.id)).toMatchObject({
          price: listing.price,
          status: listing.status,
          imageUrl: listing.imageUrl,
        });
      }
    } finally {
      own.remove();
    }
  });
});

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureListing, type Marketplace, startFixtureMarketplace } from '../src/index.js';
import { walkDepop, walkJsonLd, walkShopify } from './helpers/feeds.js';
import { type Canonical, canonicalOf } from './helpers/normalise.js';

let market: Marketplace;
beforeAll(async () => {
  market = await startFixtureMarketplace({ count: 40, seed: 9 });
});
afterAll(() => market?.close());

const SOURCES = ['depop', 'shopify', 'jsonld'] as const;

async function feed(source: (typeof SOURCES)[number]): Promise<Canonical[]> {
  if (source === 'depop') return (await walkDepop(market, 5)).items;
  if (source === 'shopify') return (await walkShopify(market, 5)).items;
  return (await walkJsonLd(market)).items;
}

/** Every feed still equals the live catalogue, and this listing's entry is `expected` (or absent). */
async function expectFeedsShow(listing: FixtureListing, expected: Partial<Canonical> | 'absent') {
  const items = await feed(listing.source as (typeof SOURCES)[number]);
  expect(items).toEqual(market.listings.filter((l) => l.source === listing.source).map(canonicalOf));
  const entry = items.find((i) => i.externalId === listing.externalId);
  if (expected === 'absent') expect(entry).toBeUndefined();
  else expect(entry).toMatchObject(expected);
}

const activeOf = (source: string, skip = 0) =>
  market.listings.filter((l) => l.source === source && l.status === 'active')[skip]!;

describe('mutations are reflected in every feed', () => {
  for (const source of SOURCES) {
    it(`${source}: setPrice`, async () => {
      const listing = activeOf(source, 0);
      market.setPrice(listing.key, 1234);
      await expectFeedsShow(listing, { price: { amount: 1234, currency: listing.price.currency } });
    });

    it(`${source}: markSold`, async () => {
      const listing = activeOf(source, 1);
      market.markSold(listing.key);
      await expectFeedsShow(listing, { status: 'sold' });
    });

    it(`${source}: remove (page and image answer 404)`, async () => {
      const listing = activeOf(source, 2);
      market.remove(listing.key);
      expect(market.listings).not.toContain(listing);
      await expectFeedsShow(listing, 'absent');
      expect((await fetch(listing.url)).status).toBe(404);
      expect((await fetch(listing.imageUrl)).status).toBe(404);
      expect(() => market.markSold(listing.key)).toThrow(/no listing with key/);
    });

    it(`${source}: add (appended, with overrides)`, async () => {
      const added = market.add({
        source,
        title: `Added ${source} denim jacket`,
        price: { amount: 4200 },
        condition: 'new',
      });
      expect(market.listings.at(-1)).toBe(added);
      expect(added.conditionRaw).not.toBe('');
      await expectFeedsShow(added, {
        title: `Added ${source} denim jacket`,
        price: { amount: 4200, currency: added.price.currency },
        condition: 'new',
      });
      expect((await fetch(added.imageUrl)).status).toBe(200);
    });

    it(`${source}: changeImage (new bytes and ETag at the same URL, texts unchanged)`, async () => {
      const listing = activeOf(source, 3);
      const before = await fetch(listing.imageUrl);
      const oldBytes = Buffer.from(await before.arrayBuffer());
      const { title, pattern, colour } = { ...listing };
      market.changeImage(listing.key);
      expect(listing.pattern).not.toBe(pattern);
      expect(listing.colour.name).not.toBe(colour.name);
      const after = await fetch(listing.imageUrl);
      const newBytes = Buffer.from(await after.arrayBuffer());
      expect(newBytes.equals(oldBytes)).toBe(false);
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
      expect((await sharp(newBytes).metadata()).width).toBe(640);
      await expectFeedsShow(listing, { title, imageUrl: listing.imageUrl });
    });
  }

  it('rejects bad mutations with clear errors', () => {
    const key = market.listings[0]!.key;
    expect(() => market.setPrice(key, -1)).toThrow(/amount must be a non-negative integer/);
    expect(() => market.setPrice(key, 1.5)).toThrow(/amount/);
    expect(() => market.setPrice('nope', 100)).toThrow(/no listing with key "nope"/);
    expect(() => market.changeImage('nope')).toThrow(/no listing/);
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    expect(() => market.add({ vector: [1] } as any)).toThrow(/unknown or read-only field vector/);
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    expect(() => market.add({ source: 'vinted' } as any)).toThrow(
      /source must be depop, shopify, jsonld, woocommerce or ebay/,
    );
    expect(() => market.add({ source: 'depop', condition: 'poor' })).toThrow(/depop cannot express condition poor/);
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    expect(() => market.add({ price: { amount: 10, currency: 'JPY' } as any })).toThrow(
      /currency must be GBP, USD or EUR/,
    );
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    expect(() => market.add({ garment: 'hat' as any })).toThrow(/garment must be one of/);
  });
});

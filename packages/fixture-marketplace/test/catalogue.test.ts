import { describe, expect, it } from 'vitest';
import {
  CONDITIONS,
  DEPOP_CONDITIONS,
  generateCatalogue,
  renderListingImage,
  SCHEMA_ORG_CONDITIONS,
  SHOPIFY_CONDITIONS,
} from '../src/index.js';

describe('generateCatalogue', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(generateCatalogue({ count: 40, seed: 7 })).toEqual(generateCatalogue({ count: 40, seed: 7 }));
    const a = generateCatalogue({ count: 40, seed: 7 }).map((l) => l.title);
    const b = generateCatalogue({ count: 40, seed: 8 }).map((l) => l.title);
    expect(a).not.toEqual(b);
  });

  it('makes a smaller catalogue a prefix of a larger one', () => {
    expect(generateCatalogue({ count: 200 }).slice(0, 30)).toEqual(generateCatalogue({ count: 30 }));
  });

  it('splits sources 50 / 30 / 20 and keys listings uniquely', () => {
    const listings = generateCatalogue({ count: 1000 });
    const bySource = (s: string) => listings.filter((l) => l.source === s).length;
    expect([bySource('depop'), bySource('shopify'), bySource('jsonld')]).toEqual([500, 300, 200]);
    expect(new Set(listings.map((l) => l.key)).size).toBe(1000);
    expect(new Set(listings.map((l) => `${l.source}/${l.slug}`)).size).toBe(1000);
  });

  it('gives every listing canonical fields the SDK accepts and the source can express', () => {
    const raw: Record<string, Record<string, string>> = {
      depop: DEPOP_CONDITIONS,
      shopify: SHOPIFY_CONDITIONS,
      jsonld: SCHEMA_ORG_CONDITIONS,
    };
    for (const l of generateCatalogue({ count: 500, seed: 3 })) {
      expect(CONDITIONS).toContain(l.condition);
      expect(raw[l.source]?.[l.conditionRaw]).toBe(l.condition);
      expect(Number.isInteger(l.price.amount) && l.price.amount > 0).toBe(true);
      expect(['GBP', 'USD', 'EUR']).toContain(l.price.currency);
      expect(['active', 'sold']).toContain(l.status);
      expect(l.title).toMatch(/^[A-Z0-9]/);
      expect(l.title.toLowerCase()).toContain(l.colour.name);
      expect(l.description.length).toBeGreaterThan(20);
      expect(l.size).toMatch(/^(XXS|XS|S|M|L|XL|XXL|UK \d+|W\d+ L\d+)$/);
      expect(l.url.startsWith('http://127.0.0.1:4400/')).toBe(true);
      expect(l.imageUrl).toBe(`http://127.0.0.1:4400/images/${l.key}.jpg?w=640`);
      expect(l.appUrl).toBe(l.source === 'depop' ? `depop://product/${l.externalId}` : null);
      if (l.source !== 'depop') expect(l.brand).not.toBeNull();
    }
  });

  it('uses the origin it is given', () => {
    const [l] = generateCatalogue({ count: 1, origin: 'http://localhost:9' });
    expect(l?.url.startsWith('http://localhost:9/depop/products/')).toBe(true);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => generateCatalogue({ count: 0 })).toThrow(/count must be an integer from 1 to 100000/);
    expect(() => generateCatalogue({ count: 100_001 })).toThrow(/count/);
    expect(() => generateCatalogue({ count: 1.5 })).toThrow(/count/);
    expect(() => generateCatalogue({ seed: -1 })).toThrow(/seed must be an integer/);
    expect(() => generateCatalogue({ origin: 'http://x/path' })).toThrow(/origin must look like/);
  });
});

describe('renderListingImage', () => {
  const [first, second] = generateCatalogue({ count: 2, seed: 5 });

  it('renders the same JPEG bytes for the same listing and different bytes for another', async () => {
    const a = await renderListingImage(first!);
    const b = await renderListingImage(generateCatalogue({ count: 1, seed: 5 })[0]!);
    expect(a.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(await renderListingImage(second!))).toBe(false);
  });

  it('honours the width and validates it', async () => {
    const small = await renderListingImage(first!, { width: 150 });
    expect(small.readUInt16BE(small.indexOf(Buffer.from([0xff, 0xc0])) + 5)).toBe(150);
    await expect(renderListingImage(first!, { width: 10 })).rejects.toThrow(/width must be an integer from 32 to 2048/);
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    await expect(renderListingImage({ ...first!, garment: 'hat' as any })).rejects.toThrow(
      /listing.garment must be one of/,
    );
  });
});

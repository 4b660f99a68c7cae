import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractJsonLdProduct, normalizeJsonLdProduct, parseSitemap } from '../src/sources/jsonld.js';
import { normalizeShopify } from '../src/sources/shopify.js';
import { NormalizeError } from '../src/sources/types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown[]>;

function normalizeError(run: () => unknown): NormalizeError {
  try {
    run();
  } catch (error) {
    if (error instanceof NormalizeError) return error;
    throw error;
  }
  throw new Error('expected a NormalizeError');
}

describe('shopify normalize', () => {
  const [coat, tee, noPicture, drifted] = json('shopify-products.json').products as unknown[];
  const options = { storeUrl: 'https://shop.example', currency: 'EUR' };

  it('maps a products.json product (size option, condition tag, plain-text body)', () => {
    expect(normalizeShopify(coat, options)).toEqual({
      source: 'shopify:shop.example',
      externalId: '7400000000123',
      title: 'Black wool coat',
      description: 'Good condition with light signs of wear. Size L.',
      brand: 'COS',
      size: 'L',
      category: 'coats',
      condition: 'good',
      conditionRaw: 'Good',
      price: { amount: 8950, currency: 'EUR' },
      url: 'https://shop.example/products/black-wool-coat-0',
      appUrl: null,
      imageUrl: 'https://cdn.shop.example/files/coat.jpg',
      status: 'active',
    });
  });

  it('maps an unavailable product to sold, comma-separated tags, and the "Default Title" placeholder to no size', () => {
    const listing = normalizeShopify(tee, options);
    expect(listing.status).toBe('sold');
    expect(listing.condition).toBe('poor');
    expect(listing.size).toBeNull();
    expect(listing.description).toBeNull();
  });

  it('names the missing or drifted field', () => {
    expect(normalizeError(() => normalizeShopify(noPicture, options)).field).toBe('images');
    expect(normalizeError(() => normalizeShopify(drifted, options)).message).toMatch(
      /^variants\[0\]\.price: expected a decimal/,
    );
    expect(normalizeError(() => normalizeShopify({ id: 1, handle: 'x', title: 'y' }, options)).field).toBe('variants');
  });

  it('throws only NormalizeError, whatever the payload (property test)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalizeShopify(value, options);
        } catch (error) {
          return error instanceof NormalizeError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('shopify: the shapes real stores serve', () => {
  const options = { storeUrl: 'https://shop.example/', currency: 'USD' };
  const base = {
    id: 7611349762235,
    handle: 'green-dress',
    title: 'Green dress &amp; belt',
    body_html: null,
    vendor: 'Caf&eacute; Society',
    product_type: '',
    tags: [],
    options: [{ name: 'Size', position: 1, values: ['S', 'M'] }],
  };

  it('resolves protocol-relative, query-stringed image URLs, decodes entities, skips variants without a price', () => {
    const listing = normalizeShopify(
      {
        ...base,
        variants: [
          { id: 1, option1: 'S', available: true, price: null, compare_at_price: null },
          { id: 2, option1: 'M', available: true, price: '25.00', compare_at_price: null },
        ],
        images: [{ id: 9, src: '//cdn.shopify.com/s/files/1/0599/products/dress.jpg?v=1775858273', variant_ids: [] }],
      },
      options,
    );
    expect(listing).toMatchObject({
      title: 'Green dress & belt',
      brand: 'Café Society',
      description: null,
      category: null,
      size: 'M',
      price: { amount: 2500, currency: 'USD' },
      imageUrl: 'https://cdn.shopify.com/s/files/1/0599/products/dress.jpg?v=1775858273',
      url: 'https://shop.example/products/green-dress',
      status: 'active',
    });
  });

  it('images [] falls back to a variant featured_image; sold when no variant is available', () => {
    const listing = normalizeShopify(
      {
        ...base,
        images: [],
        variants: [{ id: 1, option1: 'S', available: false, price: '9.99', featured_image: { src: '/files/v.jpg' } }],
      },
      options,
    );
    expect(listing).toMatchObject({ imageUrl: 'https://shop.example/files/v.jpg', status: 'sold', size: 'S' });
    expect(
      normalizeError(() =>
        normalizeShopify({ ...base, images: [], variants: [{ available: true, price: '1' }] }, options),
      ).field,
    ).toBe('images');
  });
});

describe('json-ld normalize', () => {
  it('extracts the Product among several blocks and resolves relative URLs', () => {
    const product = extractJsonLdProduct(fixture('jsonld-product.html'));
    expect(
      normalizeJsonLdProduct(product, 'https://shop.example/products/cream-jumper', 'jsonld:shop.example'),
    ).toEqual({
      source: 'jsonld:shop.example',
      externalId: 'SLV-10042',
      title: 'Cream cable knit jumper',
      description: 'Good condition with light signs of wear.',
      brand: 'Arket',
      size: 'S',
      category: 'knitwear',
      condition: 'good',
      conditionRaw: 'https://schema.org/UsedCondition',
      price: { amount: 3400, currency: 'USD' },
      url: 'https://shop.example/products/cream-jumper',
      appUrl: null,
      imageUrl: 'https://shop.example/images/jumper.jpg',
      status: 'active',
    });
  });

  it('reads @graph, offer arrays, ImageObject, short availability terms: SoldOut → sold', () => {
    const product = extractJsonLdProduct(fixture('jsonld-sold-graph.html'));
    const listing = normalizeJsonLdProduct(product, 'https://shop.example/p/blazer', 'jsonld:shop.example');
    expect(listing).toMatchObject({
      externalId: 'BLZ-9',
      brand: 'Zara',
      status: 'sold',
      condition: 'poor',
      price: { amount: 12000, currency: 'EUR' },
      imageUrl: 'https://shop.example/img/blazer.png',
      url: 'https://shop.example/p/blazer',
    });
  });

  it('names the problem for malformed JSON-LD and missing offers', () => {
    expect(normalizeError(() => extractJsonLdProduct(fixture('jsonld-malformed.html'))).field).toBe('ld+json');
    const noOffers = extractJsonLdProduct(fixture('jsonld-no-offers.html'));
    expect(normalizeError(() => normalizeJsonLdProduct(noOffers, 'https://shop.example/x', 's')).message).toMatch(
      /^offers: expected an object, got nothing \(missing\)/,
    );
    expect(normalizeError(() => extractJsonLdProduct('<html><body>no data</body></html>')).message).toMatch(
      /no JSON-LD/,
    );
  });

  it('parses sitemap indexes and url sets', () => {
    expect(parseSitemap(fixture('sitemap-index.xml'))).toEqual({
      index: true,
      urls: ['https://shop.example/sitemap-products-1.xml', 'https://shop.example/sitemap-products-2.xml'],
    });
    expect(parseSitemap(fixture('sitemap-urlset.xml')).urls).toEqual([
      'https://shop.example/products/a',
      'https://shop.example/products/b',
    ]);
    expect(() => parseSitemap('<html></html>')).toThrow(/not a sitemap/);
  });
});

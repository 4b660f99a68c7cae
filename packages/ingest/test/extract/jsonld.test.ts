import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLdNodes, unwrapScript } from '../../src/extract/jsonld-blocks.js';
import { microdataItems } from '../../src/extract/microdata.js';
import { readOffers } from '../../src/extract/offers.js';
import { parseSitemapBody, SitemapError } from '../../src/extract/sitemap.js';
import { extractPageProduct, normalizeJsonLdProduct } from '../../src/sources/jsonld.js';
import { NormalizeError } from '../../src/sources/types.js';

const PAGE = 'https://shop.example/products/dress';
const page = (...blocks: string[]) =>
  `<html><head>${blocks.map((b) => `<script type="application/ld+json">${b}</script>`).join('\n')}</head></html>`;
const listingOf = (html: string) =>
  normalizeJsonLdProduct(extractPageProduct(html).product, PAGE, 'jsonld:shop.example');

describe('JSON-LD blocks', () => {
  it('removes comment and CDATA wrappers, nested or not', () => {
    expect(unwrapScript('\n<!--\n{"a":1}\n-->\n')).toBe('{"a":1}');
    expect(unwrapScript('//<![CDATA[\n{"a":1}\n//]]>')).toBe('{"a":1}');
    expect(unwrapScript('/*<![CDATA[*/{"a":1}/*]]>*/')).toBe('{"a":1}');
    expect(unwrapScript('<!-- //<![CDATA[\n{"a":1}\n//]]> -->')).toBe('{"a":1}');
  });

  it('reads every block, arrays, @graph and the mainEntity of an ItemPage; lists blocks that are not JSON', () => {
    const found = jsonLdNodes(
      page(
        '{"@type":"Organization","name":"Shop"}',
        '[{"@type":"BreadcrumbList"},{"@graph":[{"@type":"ItemPage","mainEntity":{"@type":"Product","name":"X"}}]}]',
        '{ "broken": ',
        '{"@type":"Product","name":"line\nbreak"}',
      ),
    );
    expect(found.blocks).toBe(4);
    expect(found.nodes.map((n) => n['@type'])).toEqual([
      'Organization',
      'BreadcrumbList',
      undefined,
      'ItemPage',
      'Product',
      'Product',
    ]);
    expect(found.nodes.at(-1)?.name).toBe('line break');
    expect(found.errors).toHaveLength(1);
  });
});

describe('offers', () => {
  it('missing availability is available; AggregateOffer lowPrice; priceSpecification skips the strikethrough price', () => {
    expect(readOffers({ '@type': 'Offer', price: '12.50', priceCurrency: 'GBP' })).toMatchObject({
      price: { amount: 1250, currency: 'GBP' },
      status: 'active',
    });
    expect(readOffers({ '@type': 'AggregateOffer', lowPrice: 20, priceCurrency: 'EUR' }).price.amount).toBe(2000);
    expect(readOffers({ '@type': 'AggregateOffer', highPrice: '30', priceCurrency: 'EUR' }).price.amount).toBe(3000);
    const spec = readOffers({
      '@type': 'Offer',
      priceSpecification: [
        {
          '@type': 'UnitPriceSpecification',
          priceType: 'https://schema.org/StrikethroughPrice',
          price: 90,
          priceCurrency: 'USD',
        },
        { '@type': 'UnitPriceSpecification', price: 45, priceCurrency: 'USD' },
      ],
    });
    expect(spec.price).toEqual({ amount: 4500, currency: 'USD' });
  });

  it('every availability spelling; sold only when every offer is gone; unknown ones named', () => {
    for (const gone of ['http://schema.org/SoldOut', 'OutOfStock', 'https://schema.org/Discontinued', 'schema:SoldOut'])
      expect(readOffers({ price: 1, priceCurrency: 'USD', availability: gone }).status).toBe('sold');
    for (const ok of ['https://schema.org/InStock', 'InStock', 'http://schema.org/PreOrder', 'BackOrder', 'in_stock'])
      expect(readOffers({ price: 1, priceCurrency: 'USD', availability: ok }).status).toBe('active');
    const mixed = readOffers([
      { price: 5, priceCurrency: 'USD', availability: 'OutOfStock' },
      { price: 7, priceCurrency: 'USD', availability: 'InStock' },
    ]);
    expect(mixed).toMatchObject({ status: 'active', price: { amount: 700 } });
    expect(() => readOffers({ price: 1, priceCurrency: 'USD', availability: 'Maybe' })).toThrow(
      /unknown availability "Maybe"/,
    );
    expect(() => readOffers({ priceCurrency: 'USD' })).toThrow(NormalizeError);
    // JSON-LD's reference form of an enumeration member.
    const byId = readOffers({
      price: 1,
      priceCurrency: 'USD',
      availability: { '@id': 'https://schema.org/OutOfStock' },
      itemCondition: { '@id': 'https://schema.org/UsedCondition' },
    });
    expect(byId).toMatchObject({ status: 'sold', conditionRaw: 'https://schema.org/UsedCondition' });
  });
});

describe('products', () => {
  it('decodes entities in every text field and resolves relative and protocol-relative URLs', () => {
    const listing = listingOf(
      page(
        JSON.stringify({
          '@context': 'http://schema.org',
          '@type': ['Product', 'http://schema.org/IndividualProduct'],
          name: 'Green dress &amp; belt',
          description: 'A &quot;wrap&quot; dress &#8211; <b>lined</b>',
          brand: [{ '@type': 'Brand', name: 'Caf&eacute; Society' }],
          image: [{ '@type': 'ImageObject', contentUrl: '//cdn.shop.example/d.jpg?v=1&amp;w=800' }],
          url: '/products/dress?variant=1',
          additionalProperty: [{ '@type': 'PropertyValue', name: 'Size', value: 'M' }],
          offers: { price: '40', priceCurrency: 'USD' },
        }),
      ),
    );
    expect(listing).toMatchObject({
      title: 'Green dress & belt',
      description: 'A "wrap" dress – lined',
      brand: 'Café Society',
      imageUrl: 'https://cdn.shop.example/d.jpg?v=1&w=800',
      url: 'https://shop.example/products/dress?variant=1',
      size: 'M',
      status: 'active',
      externalId: PAGE,
    });
  });

  it('falls back to microdata when the page has no JSON-LD Product', () => {
    const html = `<html><body><script type="application/ld+json">{"@type":"WebSite","name":"Shop"}</script>
      <div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Wool &amp; silk scarf</h1>
      <img itemprop="image" src="/img/scarf.jpg"><meta itemprop="sku" content="SC-1">
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price" content="15.00">$15</span>
      <meta itemprop="priceCurrency" content="USD"><link itemprop="availability" href="http://schema.org/InStock"></div></div></body></html>`;
    expect(microdataItems(html)[0]).toMatchObject({ '@type': 'https://schema.org/Product', sku: 'SC-1' });
    const found = extractPageProduct(html);
    expect(found.via).toBe('microdata');
    expect(normalizeJsonLdProduct(found.product, PAGE, 's')).toMatchObject({
      title: 'Wool & silk scarf',
      externalId: 'SC-1',
      imageUrl: 'https://shop.example/img/scarf.jpg',
      price: { amount: 1500, currency: 'USD' },
    });
    expect(() => extractPageProduct('<html><body>nothing</body></html>')).toThrow(/no JSON-LD block.*no microdata/);
  });
});

describe('robustness', () => {
  /** Runs `run`; anything thrown must be `expected` (a named, skippable refusal), never a crash. */
  const onlyThrows = (expected: new (...args: never[]) => Error, run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof expected)) throw error;
    }
  };

  it('any JSON-LD-ish page either gives a listing or a NormalizeError', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            '@type',
            '@id',
            '@graph',
            'name',
            'offers',
            'price',
            'priceCurrency',
            'lowPrice',
            'availability',
            'image',
            'url',
            'brand',
            'hasVariant',
            'isVariantOf',
            'mainEntity',
            'priceSpecification',
            'size',
            'additionalProperty',
            'itemCondition',
            'sku',
          ),
          fc.oneof(
            tie('node'),
            fc.constantFrom(
              'Product',
              'ProductGroup',
              'Offer',
              'AggregateOffer',
              'ItemPage',
              'InStock',
              'https://schema.org/SoldOut',
              '12.50',
              'USD',
              '//cdn.example/x.jpg',
            ),
          ),
          { maxKeys: 6 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.constantFrom('', '<!--', '//<![CDATA['), (data, wrapper) => {
        const json = JSON.stringify(data) ?? 'null';
        const body = wrapper === '<!--' ? `<!--${json}-->` : wrapper ? `${wrapper}${json}//]]>` : json;
        onlyThrows(NormalizeError, () => listingOf(page(body)));
      }),
      { numRuns: 400 },
    );
  });

  it('any bytes are a sitemap or a SitemapError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.string().map((t) => Buffer.from(`<urlset>${t}</urlset>`)),
        ),
        (bytes) => {
          onlyThrows(SitemapError, () => parseSitemapBody(Buffer.from(bytes), 'https://shop.example/sitemap.xml'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

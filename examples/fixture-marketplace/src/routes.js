// @ts-check
// URL → reply for every feed, page and image. Pure over the live catalogue state; no faults here.
import { depopProductPage, depopSearchPage } from './formats/depop.js';
import { jsonldProductPage, sitemapIndex, sitemapUrlSet } from './formats/jsonld-shop.js';
import { shopifyProduct, shopifyProductPage } from './formats/shopify.js';
import { jsonError, reply } from './http-util.js';
import { SHOPIFY_STORE } from './vocab.js';

/** @typedef {import('./catalogue.js').FixtureListing} FixtureListing */
/** @typedef {import('./http-util.js').Reply} Reply */
/**
 * @typedef {object} Catalogue
 * @property {string} origin
 * @property {FixtureListing[]} listings
 * @property {Map<string, FixtureListing>} byKey
 * @property {Map<string, number>} modified Per-listing Last-Modified (epoch ms) after a mutation.
 * @property {number} lastModified Catalogue-wide Last-Modified (epoch ms).
 * @property {string} robotsTxt
 * @property {number | undefined} pageSize
 */

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';

/** @param {string} cursor */
const decodeCursor = (cursor) => {
  const match = /^n:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
};
/** @param {number} n */
const encodeCursor = (n) => Buffer.from(`n:${n}`).toString('base64url');

/** @param {string | null} raw @param {number} fallback @param {number} max */
function intParam(raw, fallback, max) {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 && value <= max ? value : undefined;
}

export class Routes {
  /** @param {Catalogue} state @param {import('./image/image-store.js').ImageStore} images */
  constructor(state, images) {
    this.state = state;
    this.images = images;
    /** @type {{ at: number, length: number, bySource: Record<'depop'|'shopify'|'jsonld', FixtureListing[]>, bySlug: Map<string, FixtureListing> } | undefined} */
    this.indexed = undefined;
  }

  /** @param {FixtureListing} listing */
  modifiedOf(listing) {
    return this.state.modified.get(listing.key) ?? this.state.lastModified;
  }

  /**
   * Listings by source and by slug, rebuilt only after a mutation (every mutation moves `lastModified`), so a
   * 100 000-listing crawl does not scan the catalogue per request.
   */
  index() {
    const s = this.state;
    if (!this.indexed || this.indexed.at !== s.lastModified || this.indexed.length !== s.listings.length) {
      /** @type {Record<'depop'|'shopify'|'jsonld', FixtureListing[]>} */
      const bySource = { depop: [], shopify: [], jsonld: [] };
      /** @type {Map<string, FixtureListing>} */
      const bySlug = new Map();
      for (const l of s.listings) {
        bySource[l.source].push(l);
        bySlug.set(`${l.source}/${l.slug}`, l);
      }
      this.indexed = { at: s.lastModified, length: s.listings.length, bySource, bySlug };
    }
    return this.indexed;
  }

  /** @param {'depop'|'shopify'|'jsonld'} source */
  ofSource(source) {
    return this.index().bySource[source];
  }

  /** @param {'depop'|'shopify'|'jsonld'} source @param {string} slug */
  bySlug(source, slug) {
    return this.index().bySlug.get(`${source}/${slug}`);
  }

  /** @param {string} method @param {string} rawPath @returns {Promise<Reply>} */
  async handle(method, rawPath) {
    if (method !== 'GET' && method !== 'HEAD')
      return { ...jsonError(405, 'only GET and HEAD'), headers: { allow: 'GET, HEAD' } };
    // Slugs and keys are plain ASCII, so paths are compared as sent (no percent-decoding).
    if (!rawPath.startsWith('/') || rawPath.startsWith('//'))
      return jsonError(400, 'request target must be an origin-form path');
    const url = new URL(`http://fixture.invalid${rawPath}`);
    const path = url.pathname;
    const q = url.searchParams;
    const s = this.state;
    /** @type {RegExpExecArray | null} */
    let m;
    if (path === '/robots.txt')
      return reply(200, 'text/plain; charset=utf-8', s.robotsTxt, { lastModified: s.lastModified });
    if (path === '/') return this.home();
    if (path.startsWith('/private/'))
      return reply(200, HTML_TYPE, '<!doctype html><title>Private</title><p>Crawlers must not read this.</p>');
    if (path === '/depop/api/v3/search/products/' || path === '/depop/api/v3/search/products')
      return this.depopSearch(q);
    m = /^\/depop\/products\/([^/]+)\/?$/.exec(path);
    if (m) {
      const listing = this.bySlug('depop', m[1] ?? '');
      return listing
        ? reply(200, HTML_TYPE, depopProductPage(listing), { lastModified: this.modifiedOf(listing) })
        : this.notFound();
    }
    if (path === '/shopify/products.json') return this.shopifyProducts(q);
    if (path === '/shopify/meta.json') {
      return reply(200, JSON_TYPE, {
        name: SHOPIFY_STORE.name,
        currency: SHOPIFY_STORE.currency,
        url: `${s.origin}/shopify`,
        published_products_count: this.ofSource('shopify').length,
      });
    }
    m = /^\/shopify\/products\/([^/]+?)(\.json)?$/.exec(path);
    if (m) {
      const listing = this.bySlug('shopify', m[1] ?? '');
      if (!listing) return this.notFound();
      const lastModified = this.modifiedOf(listing);
      return m[2]
        ? reply(
            200,
            JSON_TYPE,
            { product: shopifyProduct(listing, new Date(lastModified).toISOString()) },
            { lastModified },
          )
        : reply(200, HTML_TYPE, shopifyProductPage(listing), { lastModified });
    }
    if (path === '/shop/sitemap.xml') {
      const files = Math.max(1, Math.ceil(this.ofSource('jsonld').length / this.sitemapSize()));
      return reply(200, XML_TYPE, sitemapIndex(s.origin, files, new Date(s.lastModified).toISOString()), {
        lastModified: s.lastModified,
      });
    }
    m = /^\/shop\/sitemap-products-(\d+)\.xml$/.exec(path);
    if (m) {
      const size = this.sitemapSize();
      const page = Number(m[1]);
      const all = this.ofSource('jsonld');
      if (page < 1 || (page - 1) * size >= Math.max(all.length, 1)) return this.notFound();
      const slice = all.slice((page - 1) * size, page * size);
      return reply(200, XML_TYPE, sitemapUrlSet(slice, new Date(s.lastModified).toISOString()), {
        lastModified: s.lastModified,
      });
    }
    m = /^\/shop\/products\/([^/]+)$/.exec(path);
    if (m) {
      const listing = this.bySlug('jsonld', m[1] ?? '');
      return listing
        ? reply(200, HTML_TYPE, jsonldProductPage(listing), { lastModified: this.modifiedOf(listing) })
        : this.notFound();
    }
    m = /^\/images\/([^/]+)\.jpg$/.exec(path);
    if (m) return this.image(m[1] ?? '', q);
    return this.notFound();
  }

  notFound() {
    return reply(404, HTML_TYPE, '<!doctype html><title>Not found</title><h1>404 Not found</h1>\n');
  }

  sitemapSize() {
    return Math.min(this.state.pageSize ?? 1000, 50_000);
  }

  /** @param {URLSearchParams} q */
  depopSearch(q) {
    const limit = intParam(q.get('limit'), 24, 100);
    if (limit === undefined) return jsonError(400, 'limit must be an integer from 1 to 100');
    const after = q.get('after');
    let afterN = -1;
    if (after !== null && after !== '') {
      const n = decodeCursor(after);
      if (n === undefined) return jsonError(400, 'invalid cursor in after');
      afterN = n;
    }
    const words = (q.get('what') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const all = this.ofSource('depop');
    const matching =
      words.length === 0
        ? all
        : all.filter((l) => {
            const text = `${l.title} ${l.description} ${l.brand ?? ''} ${l.category}`.toLowerCase();
            return words.every((w) => text.includes(w));
          });
    // Listings are in ascending `n`: binary-search the first one after the cursor.
    let lo = 0;
    let hi = matching.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((matching[mid]?.n ?? 0) > afterN) hi = mid;
      else lo = mid + 1;
    }
    const page = matching.slice(lo, lo + Math.min(limit, this.state.pageSize ?? limit));
    const lastListing = page.at(-1);
    const last = lastListing ? encodeCursor(lastListing.n) : after || null;
    const body = depopSearchPage(page, matching.length, last, lo + page.length < matching.length, this.state.origin);
    return reply(200, JSON_TYPE, body, { lastModified: this.state.lastModified });
  }

  /** @param {URLSearchParams} q */
  shopifyProducts(q) {
    // Shopify caps limit at 250 rather than refusing; so do we. Nonsense values are a 400.
    const rawLimit = q.get('limit');
    if (rawLimit !== null && !/^\d+$/.test(rawLimit)) return jsonError(400, 'limit must be a positive integer');
    const limit = Math.max(1, Math.min(Number(rawLimit ?? 30) || 30, 250, this.state.pageSize ?? 250));
    const page = intParam(q.get('page'), 1, 1_000_000);
    if (page === undefined) return jsonError(400, 'page must be a positive integer');
    const slice = this.ofSource('shopify').slice((page - 1) * limit, page * limit);
    const products = slice.map((l) => shopifyProduct(l, new Date(this.modifiedOf(l)).toISOString()));
    return reply(200, JSON_TYPE, { products }, { lastModified: this.state.lastModified });
  }

  /** @param {string} key @param {URLSearchParams} q */
  async image(key, q) {
    const width = intParam(q.get('w'), 640, 2048);
    if (width === undefined || width < 32) return jsonError(400, 'w must be an integer from 32 to 2048');
    const listing = this.state.byKey.get(key);
    if (!listing) return this.notFound();
    const bytes = await this.images.get(listing, width);
    return reply(200, 'image/jpeg', bytes, {
      etag: `"${this.images.tag(listing, width)}"`,
      lastModified: this.modifiedOf(listing),
    });
  }

  home() {
    const s = this.state;
    const links = [
      ['robots.txt', '/robots.txt'],
      ['Depop-like search API', '/depop/api/v3/search/products/?limit=24'],
      ['Shopify-like products.json', '/shopify/products.json?limit=250&page=1'],
      ['JSON-LD shop sitemap', '/shop/sitemap.xml'],
    ];
    const items = s.listings
      .slice(0, 48)
      .map(
        (l) =>
          `<a href="${l.url}"><img src="${s.origin}/images/${l.key}.jpg?w=150" width="150" height="150" alt="${l.title.replace(/"/g, '&quot;')}"></a>`,
      )
      .join('\n');
    const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Fixture marketplace</title>
<h1>Fixture marketplace (${s.listings.length} listings)</h1>
<ul>${links.map(([t, h]) => `<li><a href="${h}">${t}</a></li>`).join('')}</ul>
<div>${items}</div></html>\n`;
    return reply(200, HTML_TYPE, body, { lastModified: s.lastModified });
  }
}

// @ts-check
// URL → reply for every feed, page and image. Pure over the live catalogue state; no faults here.
import { gzipSync } from 'node:zlib';
import { EbayAuth } from './ebay-auth.js';
import { depopProductPage, depopSearchPage, depopShopPage } from './formats/depop.js';
import { ebayItemPage, ebaySearchPage } from './formats/ebay.js';
import { jsonldProductPage, sitemapIndex, sitemapUrlSet } from './formats/jsonld-shop.js';
import { shopifyProduct, shopifyProductPage } from './formats/shopify.js';
import { wooProduct, wooProductPage } from './formats/woocommerce.js';
import { jsonError, reply } from './http-util.js';
import { EBAY_CONDITIONS, SELLERS, SHOPIFY_STORE } from './vocab.js';

/** @typedef {import('./catalogue.js').FixtureListing} FixtureListing */
/** @typedef {import('./http-util.js').Reply} Reply */
/**
 * @typedef {object} Catalogue
 * @property {string} origin
 * @property {FixtureListing[]} listings
 * @property {Map<string, FixtureListing>} byKey
 * @property {Map<string, number>} modified Per-listing Last-Modified (epoch ms) after a mutation.
 * @property {number} lastModified Catalogue-wide Last-Modified (epoch ms).
 * @property {number} baseModified Last-Modified of a listing never changed since start (epoch ms).
 * @property {boolean} sitemapGzip The sitemap index lists gzipped child sitemaps (`.xml.gz`).
 * @property {{ clientId: string, clientSecret: string }} ebayCredentials App keys the eBay token endpoint accepts.
 * @property {string} robotsTxt
 * @property {number | undefined} pageSize
 */

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';
const GZIP_TYPE = 'application/x-gzip';

/** A seller's Depop shop id (numeric, as Depop's are). @param {string | null} seller */
export const depopShopId = (seller) => String(1000 + SELLERS.indexOf(seller ?? ''));

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
    this.ebayAuth = new EbayAuth(state.ebayCredentials);
    /** @type {{ at: number, length: number, bySource: Record<import('./catalogue.js').SourceKind, FixtureListing[]>, bySlug: Map<string, FixtureListing> } | undefined} */
    this.indexed = undefined;
  }

  /** @param {FixtureListing} listing */
  modifiedOf(listing) {
    // Untouched listings keep their first Last-Modified: a change elsewhere does not make their page newer.
    return this.state.modified.get(listing.key) ?? this.state.baseModified;
  }

  /**
   * Listings by source and by slug, rebuilt only after a mutation (every mutation moves `lastModified`), so a
   * 100 000-listing crawl does not scan the catalogue per request.
   */
  index() {
    const s = this.state;
    if (!this.indexed || this.indexed.at !== s.lastModified || this.indexed.length !== s.listings.length) {
      /** @type {Record<import('./catalogue.js').SourceKind, FixtureListing[]>} */
      const bySource = { depop: [], shopify: [], jsonld: [], woocommerce: [], ebay: [] };
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

  /** @param {import('./catalogue.js').SourceKind} source */
  ofSource(source) {
    return this.index().bySource[source];
  }

  /** @param {import('./catalogue.js').SourceKind} source @param {string} slug */
  bySlug(source, slug) {
    return this.index().bySlug.get(`${source}/${slug}`);
  }

  /**
   * @param {string} method @param {string} rawPath
   * @param {import('node:http').IncomingHttpHeaders} [headers] @param {string} [body] POST body
   * @returns {Promise<Reply>}
   */
  async handle(method, rawPath, headers = {}, body = '') {
    if (method === 'POST' && rawPath === '/ebay/identity/v1/oauth2/token') return this.ebayAuth.mint(headers, body);
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
    m = /^\/depop\/api\/v1\/shop\/(\d+)\/products\/?$/.exec(path);
    if (m) return this.depopShop(m[1] ?? '', q);
    if (path === '/woo/wp-json/wc/store/v1/products') return this.wooProducts(q);
    m = /^\/woo\/product\/([^/]+)\/?$/.exec(path);
    if (m) {
      const listing = this.bySlug('woocommerce', m[1] ?? '');
      return listing
        ? reply(200, HTML_TYPE, wooProductPage(listing), { lastModified: this.modifiedOf(listing) })
        : this.notFound();
    }
    if (path === '/ebay/buy/browse/v1/item_summary/search') return this.ebaySearch(q, headers);
    m = /^\/ebay\/itm\/(\d+)$/.exec(path);
    if (m) {
      const listing = this.ofSource('ebay').find((l) => l.externalId === `v1|${m?.[1]}|0`);
      return listing
        ? reply(200, HTML_TYPE, ebayItemPage(listing), { lastModified: this.modifiedOf(listing) })
        : this.notFound();
    }
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
      const suffix = s.sitemapGzip ? '.xml.gz' : '.xml';
      return reply(200, XML_TYPE, sitemapIndex(s.origin, files, new Date(s.lastModified).toISOString(), suffix), {
        lastModified: s.lastModified,
      });
    }
    m = /^\/shop\/sitemap-products-(\d+)\.xml(\.gz)?$/.exec(path);
    if (m) {
      const size = this.sitemapSize();
      const page = Number(m[1]);
      const all = this.ofSource('jsonld');
      if (page < 1 || (page - 1) * size >= Math.max(all.length, 1)) return this.notFound();
      const slice = all.slice((page - 1) * size, page * size);
      // Each <lastmod> is its page's own Last-Modified (W3C datetime), as sitemaps.org asks.
      const xml = sitemapUrlSet(slice, (l) => new Date(this.modifiedOf(l)).toISOString());
      return m[2]
        ? reply(200, GZIP_TYPE, gzipSync(xml), { lastModified: s.lastModified })
        : reply(200, XML_TYPE, xml, { lastModified: s.lastModified });
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

  /** A seller's shop, paged by `offset_id` (the last product of the previous page). @param {string} shopId @param {URLSearchParams} q */
  depopShop(shopId, q) {
    const limit = intParam(q.get('limit'), 24, 200);
    if (limit === undefined) return jsonError(400, 'limit must be an integer from 1 to 200');
    const offset = q.get('offset_id');
    const afterN = offset ? decodeCursor(offset) : -1;
    if (afterN === undefined) return jsonError(400, 'invalid offset_id');
    const all = this.ofSource('depop').filter((l) => depopShopId(l.seller) === shopId);
    const rest = all.filter((l) => l.n > afterN);
    const page = rest.slice(0, Math.min(limit, this.state.pageSize ?? limit));
    const body = depopShopPage(page, page.length >= rest.length, this.state.origin);
    return reply(200, JSON_TYPE, body, { lastModified: this.state.lastModified });
  }

  /** WooCommerce Store API: `page`, `per_page` 1..100 (WordPress refuses more), totals in headers. @param {URLSearchParams} q */
  wooProducts(q) {
    const perPage = intParam(q.get('per_page'), 10, 100);
    const page = intParam(q.get('page'), 1, 1_000_000);
    if (perPage === undefined || page === undefined) {
      return jsonError(400, 'rest_invalid_param: per_page must be between 1 (inclusive) and 100 (inclusive)');
    }
    const size = Math.min(perPage, this.state.pageSize ?? perPage);
    const all = this.ofSource('woocommerce');
    const slice = all.slice((page - 1) * size, page * size);
    const headers = { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(Math.ceil(all.length / size)) };
    return reply(
      200,
      JSON_TYPE,
      slice.map((l) => wooProduct(l, this.state.origin)),
      { lastModified: this.state.lastModified, headers },
    );
  }

  /**
   * eBay Browse API search: Bearer token required; `q` words, `category_ids`, `filter` (`conditions:{USED}` or
   * `conditionIds:{…}`), `limit` ≤ 200, `offset`; `next` while more follow.
   * @param {URLSearchParams} q @param {import('node:http').IncomingHttpHeaders} headers
   */
  ebaySearch(q, headers) {
    const denied = this.ebayAuth.check(headers);
    if (denied) return denied;
    const limit = intParam(q.get('limit'), 50, 200);
    const offsetRaw = q.get('offset') ?? '0';
    if (limit === undefined || !/^\d+$/.test(offsetRaw)) return jsonError(400, 'limit 1..200 and offset ≥ 0');
    const offset = Number(offsetRaw);
    const words = (q.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const categories = (q.get('category_ids') ?? '').split(',').filter(Boolean);
    const filter = q.get('filter') ?? '';
    const ids = /conditionIds:\{([\d|]+)\}/.exec(filter)?.[1]?.split('|');
    const usedOnly = /conditions:\{USED\}/.test(filter);
    const matching = this.ofSource('ebay').filter((l) => {
      const id = EBAY_CONDITIONS[l.conditionRaw]?.id ?? '3000';
      if (ids && !ids.includes(id)) return false;
      if (usedOnly && Number(id) < 2000) return false;
      if (categories.length > 0 && !categories.includes('11450')) return false;
      const text = `${l.title} ${l.description} ${l.brand ?? ''} ${l.category}`.toLowerCase();
      return l.status === 'active' && words.every((w) => text.includes(w));
    });
    const size = Math.min(limit, this.state.pageSize ?? limit);
    const page = matching.slice(offset, offset + size);
    const base = `${this.state.origin}/ebay/buy/browse/v1/item_summary/search`;
    const at = (/** @type {number} */ o) => {
      const p = new URLSearchParams(q);
      p.set('limit', String(size));
      p.set('offset', String(o));
      return `${base}?${p}`;
    };
    const body = ebaySearchPage(page, {
      total: matching.length,
      limit: size,
      offset,
      href: at(offset),
      nextHref: offset + size < matching.length ? at(offset + size) : null,
      origin: this.state.origin,
    });
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

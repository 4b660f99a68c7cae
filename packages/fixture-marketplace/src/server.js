// @ts-check
// The fixture marketplace: one loopback origin serving a Depop-like API, a Shopify-like store and a JSON-LD
// shop over one live catalogue, with mutations, fault injection and a request log for tests.
import { createServer } from 'node:http';
import { applyFault } from './apply-fault.js';
import { catalogueOptions, generateCatalogue, makeListing, withUrls } from './catalogue.js';
import { Faults } from './faults.js';
import { etagOf, jsonError, notModified } from './http-util.js';
import { ImageStore } from './image/image-store.js';
import { Routes } from './routes.js';
import {
  COLOURS,
  CONDITIONS,
  DEPOP_CONDITIONS,
  EBAY_CONDITIONS,
  EBAY_FIXTURE_CREDENTIALS,
  GARMENT_KINDS,
  PATTERNS,
  rawConditions,
  SCHEMA_ORG_CONDITIONS,
  SHOPIFY_CONDITIONS,
  WOO_CONDITIONS,
} from './vocab.js';

/** @typedef {import('./catalogue.js').FixtureListing} FixtureListing */
/** @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, status: number, at: number }} LoggedRequest */

/**
 * @typedef {object} MarketplaceOptions
 * @property {number} [count] Listings, 1..100 000 (default 60).
 * @property {number} [seed] Catalogue seed (default 1).
 * @property {number} [port] Default 0 (any free port).
 * @property {string} [host] Default 127.0.0.1.
 * @property {string} [robotsTxt] Replaces the default robots.txt (allow all but /private/).
 * @property {number} [pageSize] Caps items per page / sitemap file in every feed (default: Depop 100, Shopify 250, sitemap 1000).
 * @property {number} [imageCacheBytes] Rendered-image LRU budget (default 256 MiB).
 * @property {number} [maxLoggedRequests] Request-log length; the oldest entries go first (default 100 000).
 * @property {{ woocommerce?: number, ebay?: number }} [extraSources] Listings of the WooCommerce shop and the
 *   eBay-shaped API, appended after `count` (default none: the catalogue stays as it was).
 * @property {boolean} [sitemapGzip] The sitemap index lists gzipped child sitemaps `.xml.gz` (default false).
 * @property {{ clientId: string, clientSecret: string }} [ebayCredentials] App keys the eBay token endpoint accepts.
 */

const OPTION_KEYS = [
  'count',
  'seed',
  'port',
  'host',
  'robotsTxt',
  'pageSize',
  'imageCacheBytes',
  'maxLoggedRequests',
  'extraSources',
  'sitemapGzip',
  'ebayCredentials',
];

/** @param {MarketplaceOptions} options */
function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`unknown option ${key} (known: ${OPTION_KEYS.join(', ')})`);
  }
  const { count, seed } = catalogueOptions(options);
  const {
    port = 0,
    host = '127.0.0.1',
    robotsTxt,
    pageSize,
    imageCacheBytes = 256 * 1024 * 1024,
    maxLoggedRequests = 100_000,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
  if (robotsTxt !== undefined && typeof robotsTxt !== 'string') throw new TypeError('robotsTxt must be a string');
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)) {
    throw new RangeError(`pageSize must be an integer from 1 to 10000, got ${String(pageSize)}`);
  }
  if (!Number.isInteger(imageCacheBytes) || imageCacheBytes < 0)
    throw new RangeError('imageCacheBytes must be a non-negative integer');
  if (!Number.isInteger(maxLoggedRequests) || maxLoggedRequests < 0)
    throw new RangeError('maxLoggedRequests must be a non-negative integer');
  const { extraSources = {}, sitemapGzip = false, ebayCredentials = EBAY_FIXTURE_CREDENTIALS } = options;
  if (extraSources === null || typeof extraSources !== 'object') throw new TypeError('extraSources must be an object');
  for (const [kind, n] of Object.entries(extraSources)) {
    if (kind !== 'woocommerce' && kind !== 'ebay') throw new TypeError(`extraSources: unknown source ${kind}`);
    if (!Number.isInteger(n) || n < 0 || n > 100_000)
      throw new RangeError(`extraSources.${kind} must be an integer from 0 to 100000, got ${String(n)}`);
  }
  if (typeof sitemapGzip !== 'boolean') throw new TypeError('sitemapGzip must be true or false');
  if (typeof ebayCredentials?.clientId !== 'string' || typeof ebayCredentials?.clientSecret !== 'string')
    throw new TypeError('ebayCredentials must be { clientId, clientSecret }');
  return {
    count,
    seed,
    port,
    host,
    robotsTxt,
    pageSize,
    imageCacheBytes,
    maxLoggedRequests,
    extraSources,
    sitemapGzip,
    ebayCredentials,
  };
}

/** @param {string} origin */
export function defaultRobotsTxt(origin) {
  return `User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/shop/sitemap.xml\n`;
}

/**
 * Starts the marketplace and resolves once it listens.
 * @param {MarketplaceOptions} [options]
 */
export async function startFixtureMarketplace(options = {}) {
  const o = checkOptions(options);
  const faults = new Faults();
  /** @type {LoggedRequest[]} */
  const requests = [];
  let inFlight = 0;
  let maxConcurrent = 0;

  const started = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  /** @type {import('./routes.js').Catalogue} */
  const state = {
    origin: '',
    listings: [],
    byKey: new Map(),
    modified: new Map(),
    lastModified: started,
    baseModified: started,
    sitemapGzip: o.sitemapGzip,
    ebayCredentials: o.ebayCredentials,
    robotsTxt: '',
    pageSize: o.pageSize,
  };
  const images = new ImageStore(o.imageCacheBytes);
  const routes = new Routes(state, images);

  const server = createServer((req, res) => {
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    /** @type {LoggedRequest} */
    const entry = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      status: 0,
      at: Date.now(),
    };
    requests.push(entry);
    // A long-running demo must not grow without bound; trim in batches so pushes stay O(1) amortised.
    if (requests.length > o.maxLoggedRequests + 1000) requests.splice(0, requests.length - o.maxLoggedRequests);
    res.on('close', () => {
      inFlight--;
      entry.status = res.headersSent ? res.statusCode : 0;
    });
    handle(req, res, entry.path).catch((error) => {
      if (!res.headersSent && !res.destroyed) {
        const r = jsonError(500, String(error?.message ?? error));
        res.writeHead(500, { 'content-type': r.type, 'content-length': r.body.length }).end(r.body);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} path */
  async function handle(req, res, path) {
    // Only the eBay token endpoint takes a body (a small form); anything bigger is refused.
    let body = '';
    if (req.method === 'POST') {
      for await (const chunk of req) {
        body += String(chunk);
        if (body.length > 16_384) return send(req, res, jsonError(413, 'request body too large'));
      }
    }
    const method = req.method ?? 'GET';
    const fault = faults.take(path);
    if (fault) {
      const done = await applyFault(
        fault,
        req,
        res,
        () => routes.handle(method, path, req.headers, body),
        images,
        state,
      );
      if (done) return;
    }
    const r = await routes.handle(method, path, req.headers, body);
    send(req, res, r);
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {import('./http-util.js').Reply} r */
  function send(req, res, r) {
    if (res.destroyed) return;
    /** @type {Record<string, string | number>} */
    // Any origin may read: browser tests and the demo page fetch photos and feeds cross-origin.
    const headers = { 'content-type': r.type, 'access-control-allow-origin': '*', ...(r.headers ?? {}) };
    if (r.status === 200 && req.method !== 'POST') {
      const etag = r.etag ?? etagOf(r.body);
      headers.etag = etag;
      if (r.lastModified !== undefined) headers['last-modified'] = new Date(r.lastModified).toUTCString();
      headers['cache-control'] = 'no-cache';
      if (notModified(req.headers, etag, r.lastModified)) {
        delete headers['content-type'];
        res.writeHead(304, headers).end();
        return;
      }
    }
    headers['content-length'] = r.body.length;
    res.writeHead(r.status, headers);
    res.end(req.method === 'HEAD' ? undefined : r.body);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.origin = `http://${hostPart}:${address.port}`;
  state.robotsTxt = o.robotsTxt ?? defaultRobotsTxt(state.origin);
  for (const listing of generateCatalogue({ count: o.count, seed: o.seed, origin: state.origin })) {
    state.listings.push(listing);
    state.byKey.set(listing.key, listing);
  }
  let nextN = o.count;
  for (const kind of /** @type {const} */ (['woocommerce', 'ebay'])) {
    for (let i = 0; i < (o.extraSources[kind] ?? 0); i++) {
      const listing = makeListing(o.seed, nextN++, state.origin, kind);
      state.listings.push(listing);
      state.byKey.set(listing.key, listing);
    }
  }

  /** @param {string} key */
  const find = (key) => {
    const listing = state.byKey.get(key);
    if (!listing) throw new RangeError(`no listing with key ${JSON.stringify(key)}`);
    return listing;
  };
  /** Marks a change: Last-Modified strictly increases (second resolution), so If-Modified-Since sees it. @param {string} [key] */
  const touch = (key) => {
    state.lastModified = Math.max(Math.floor(Date.now() / 1000) * 1000, state.lastModified + 1000);
    if (key !== undefined) state.modified.set(key, state.lastModified);
  };

  return {
    /** Origin, e.g. `http://127.0.0.1:41234`. */
    url: state.origin,
    sources: {
      depop: { apiBase: `${state.origin}/depop/api/v3`, webBase: `${state.origin}/depop` },
      shopify: { storeUrl: `${state.origin}/shopify` },
      jsonld: { siteUrl: `${state.origin}/shop`, sitemapUrl: `${state.origin}/shop/sitemap.xml` },
      woocommerce: { storeUrl: `${state.origin}/woo` },
      ebay: { apiBase: `${state.origin}/ebay`, credentials: { ...o.ebayCredentials } },
      /** A seller's Depop shop (`shopId` per seller username), for `depopShopId(seller)`. */
      depopShop: { apiBase: `${state.origin}/depop/api/v1`, webBase: `${state.origin}/depop` },
    },
    /** The eBay token endpoint: tokens minted so far; `revokeAll()` makes every live token invalid. */
    ebay: {
      get minted() {
        return routes.ebayAuth.minted;
      },
      revokeAll: () => routes.ebayAuth.revokeAll(),
    },
    /** The live catalogue (feeds serve exactly these, in this order); treat as read-only, use the mutations. */
    listings: state.listings,
    faults,
    /** Every request, in arrival order; `status` 0 when the connection was reset. */
    requests,
    /** Peak number of requests in flight at once since start (or the last `resetLog`). */
    get maxConcurrent() {
      return maxConcurrent;
    },
    get robotsTxt() {
      return state.robotsTxt;
    },
    set robotsTxt(text) {
      if (typeof text !== 'string') throw new TypeError('robotsTxt must be a string');
      state.robotsTxt = text;
      touch();
    },
    /** Clears the request log and the concurrency peak. */
    resetLog() {
      requests.length = 0;
      maxConcurrent = inFlight;
    },
    /** @param {string} key */
    get: (key) => state.byKey.get(key),
    /** Sets the listing's price (minor units, integer ≥ 0); a Depop reduction is dropped. @param {string} key @param {number} amount */
    setPrice(key, amount) {
      if (!Number.isInteger(amount) || amount < 0)
        throw new RangeError(`amount must be a non-negative integer (minor units), got ${String(amount)}`);
      const listing = find(key);
      listing.price = { ...listing.price, amount };
      listing.originalPrice = null;
      touch(key);
      return listing;
    },
    /** @param {string} key */
    markSold(key) {
      const listing = find(key);
      listing.status = 'sold';
      touch(key);
      return listing;
    },
    /** Takes the listing out of every feed; its pages and image answer 404. @param {string} key */
    remove(key) {
      const listing = find(key);
      state.listings.splice(state.listings.indexOf(listing), 1);
      state.byKey.delete(key);
      touch(key);
      return listing;
    },
    /**
     * Adds a listing after the others (next sequence number), generated from the seed, with overrides.
     * @param {Partial<Pick<FixtureListing, 'source'|'title'|'description'|'brand'|'size'|'category'|'condition'|'conditionRaw'|'status'|'colour'|'garment'|'pattern'>> & { price?: { amount: number, currency?: 'GBP'|'USD'|'EUR' } }} [partial]
     */
    add(partial = {}) {
      const listing = applyOverrides(makeListing(o.seed, nextN, state.origin, checkSource(partial.source)), partial);
      nextN++;
      withUrls(listing, state.origin);
      state.listings.push(listing);
      state.byKey.set(listing.key, listing);
      touch(listing.key);
      return listing;
    },
    /** Gives the listing a new photo (another colour and pattern): new bytes, new ETag. Texts stay as they were. @param {string} key */
    changeImage(key) {
      const listing = find(key);
      listing.imageVersion++;
      const colourIndex = COLOURS.findIndex((c) => c.name === listing.colour.name);
      const colour = COLOURS[(colourIndex + 7 + listing.imageVersion) % COLOURS.length] ?? COLOURS[0];
      if (colour) listing.colour = { name: colour.name, rgb: [...colour.rgb] };
      listing.pattern = PATTERNS[(PATTERNS.indexOf(listing.pattern) + 1) % PATTERNS.length] ?? 'plain';
      touch(key);
      return listing;
    },
    /**
     * Renders every listing's photo into the cache ahead of time (e.g. before a timed benchmark), at most
     * `concurrency` at a time. Resolves to the number of images now cached.
     * @param {{ widths?: number[], concurrency?: number }} [options]
     */
    async prerender({ widths = [640], concurrency = 2 } = {}) {
      if (!Array.isArray(widths) || widths.length === 0) throw new TypeError('widths must be a non-empty array');
      const jobs = state.listings.flatMap((l) => widths.map((w) => /** @type {const} */ ([l, w])));
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          if (job) await images.get(job[0], job[1]);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      return images.cache.size;
    },
    /** Stops listening and drops open connections. @returns {Promise<void>} */
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startFixtureMarketplace>>} Marketplace */

/** @param {unknown} source @returns {import('./catalogue.js').SourceKind | undefined} */
function checkSource(source) {
  if (source === undefined) return undefined;
  if (!['depop', 'shopify', 'jsonld', 'woocommerce', 'ebay'].includes(/** @type {string} */ (source))) {
    throw new TypeError(`source must be depop, shopify, jsonld, woocommerce or ebay, got ${String(source)}`);
  }
  return /** @type {import('./catalogue.js').SourceKind} */ (source);
}

const RAW_BY_SOURCE = {
  depop: rawConditions(DEPOP_CONDITIONS),
  shopify: rawConditions(SHOPIFY_CONDITIONS),
  jsonld: rawConditions(SCHEMA_ORG_CONDITIONS),
  woocommerce: rawConditions(WOO_CONDITIONS),
  ebay: rawConditions(Object.fromEntries(Object.entries(EBAY_CONDITIONS).map(([k, v]) => [k, v.canonical]))),
};
const OVERRIDABLE = [
  'source',
  'title',
  'description',
  'brand',
  'size',
  'category',
  'condition',
  'conditionRaw',
  'price',
  'status',
  'colour',
  'garment',
  'pattern',
];

/** @param {FixtureListing} listing @param {Record<string, unknown>} partial */
function applyOverrides(listing, partial) {
  if (partial === null || typeof partial !== 'object') throw new TypeError('add expects an object of listing fields');
  for (const [field, value] of Object.entries(partial)) {
    if (!OVERRIDABLE.includes(field))
      throw new TypeError(`add: unknown or read-only field ${field} (allowed: ${OVERRIDABLE.join(', ')})`);
    if (value === undefined) continue;
    const text = () => {
      if (typeof value !== 'string' || value.trim() === '')
        throw new TypeError(`add: ${field} must be a non-empty string`);
      return value;
    };
    if (field === 'title') listing.title = text();
    else if (field === 'description') listing.description = text();
    else if (field === 'brand') listing.brand = value === null ? null : text();
    else if (field === 'size') listing.size = text();
    else if (field === 'category') listing.category = text();
    else if (field === 'status') {
      if (value !== 'active' && value !== 'sold') throw new TypeError('add: status must be active or sold');
      listing.status = value;
    } else if (field === 'garment') {
      if (!GARMENT_KINDS.includes(/** @type {never} */ (value)))
        throw new TypeError(`add: garment must be one of ${GARMENT_KINDS.join(', ')}`);
      listing.garment = /** @type {FixtureListing['garment']} */ (value);
    } else if (field === 'pattern') {
      if (!PATTERNS.includes(/** @type {never} */ (value)))
        throw new TypeError(`add: pattern must be one of ${PATTERNS.join(', ')}`);
      listing.pattern = /** @type {FixtureListing['pattern']} */ (value);
    } else if (field === 'colour') {
      const c = /** @type {{ name?: unknown, rgb?: unknown }} */ (value);
      const ok =
        c &&
        typeof c.name === 'string' &&
        Array.isArray(c.rgb) &&
        c.rgb.length === 3 &&
        c.rgb.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
      if (!ok) throw new TypeError('add: colour must be { name: string, rgb: [r, g, b] } with 0..255 integers');
      listing.colour = {
        name: /** @type {string} */ (c.name),
        rgb: /** @type {[number, number, number]} */ ([.../** @type {number[]} */ (c.rgb)]),
      };
    } else if (field === 'price') {
      const p = /** @type {{ amount?: unknown, currency?: unknown }} */ (value);
      if (!p || !Number.isInteger(p.amount) || /** @type {number} */ (p.amount) < 0)
        throw new TypeError('add: price.amount must be a non-negative integer (minor units)');
      const currency = p.currency ?? listing.price.currency;
      if (currency !== 'GBP' && currency !== 'USD' && currency !== 'EUR')
        throw new TypeError('add: price.currency must be GBP, USD or EUR');
      listing.price = { amount: /** @type {number} */ (p.amount), currency };
      listing.originalPrice = null;
    }
  }
  if (partial.condition !== undefined) {
    if (!CONDITIONS.includes(/** @type {never} */ (partial.condition)))
      throw new TypeError(`add: condition must be one of ${CONDITIONS.join(', ')}`);
    const raw = RAW_BY_SOURCE[listing.source][/** @type {import('./vocab.js').Condition} */ (partial.condition)];
    if (partial.conditionRaw === undefined && raw === undefined) {
      throw new TypeError(
        `add: ${listing.source} cannot express condition ${String(partial.condition)}; pass conditionRaw too`,
      );
    }
    listing.condition = /** @type {import('./vocab.js').Condition} */ (partial.condition);
    listing.conditionRaw = raw ?? listing.conditionRaw;
  }
  if (partial.conditionRaw !== undefined) listing.conditionRaw = String(partial.conditionRaw);
  return listing;
}

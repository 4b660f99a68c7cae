// @ts-check
// The deterministic catalogue: listing n of seed s is the same on every run and every machine, and does not
// depend on how many listings were asked for (so `count: 10` is a prefix of `count: 2000`).
import { createRandom } from './random.js';
import {
  ADJECTIVES,
  BRANDS,
  COLOURS,
  DEPOP_CONDITIONS,
  EBAY_CONDITIONS,
  GARMENT_KINDS,
  GARMENTS,
  JSONLD_SHOP,
  PATTERNS,
  rawConditions,
  SCHEMA_ORG_CONDITIONS,
  SELLERS,
  SHOPIFY_CONDITIONS,
  SHOPIFY_STORE,
  SIZES,
  WOO_CONDITIONS,
  WOO_STORE,
} from './vocab.js';

/** @typedef {import('./vocab.js').Garment} Garment */
/** @typedef {import('./vocab.js').Pattern} Pattern */
/** @typedef {import('./vocab.js').Condition} Condition */
/** @typedef {'depop'|'shopify'|'jsonld'|'woocommerce'|'ebay'} SourceKind */

/**
 * One listing in canonical form, aligned with the SDK's `ListingUpsert` (minus the vector), plus what the
 * picture shows and the source-specific bits the feeds need.
 * @typedef {object} FixtureListing
 * @property {string} key Unique, `<source>-<externalId>`; also the image file name.
 * @property {number} n Sequence number: feeds are ordered by it.
 * @property {SourceKind} source
 * @property {string} externalId Depop product id, Shopify product id, or the JSON-LD shop's `sku`.
 * @property {string} slug Depop slug, or the Shopify / JSON-LD shop handle.
 * @property {string} title
 * @property {string} description Body text without the title.
 * @property {string | null} brand
 * @property {string} size
 * @property {string} category
 * @property {Condition} condition
 * @property {string} conditionRaw The source's own wording.
 * @property {{ amount: number, currency: 'GBP'|'USD'|'EUR' }} price Minor units.
 * @property {number | null} originalPrice Depop only: the pre-reduction price in minor units when reduced.
 * @property {'active'|'sold'} status
 * @property {{ name: string, rgb: [number, number, number] }} colour
 * @property {Garment} garment
 * @property {Pattern} pattern
 * @property {number} imageVersion Bumped by `changeImage`.
 * @property {string | null} seller Depop seller's username.
 * @property {string} url Web page of the listing.
 * @property {string | null} appUrl App deep link (Depop only).
 * @property {string} imageUrl The 640 px picture.
 */

const SOURCES_BY_SLOT = /** @type {const} */ ([
  'depop',
  'depop',
  'depop',
  'depop',
  'depop',
  'shopify',
  'shopify',
  'shopify',
  'jsonld',
  'jsonld',
]);

const PATTERN_WORDS = { plain: '', stripes: 'striped', dots: 'polka dot', check: 'check' };

const DEPOP_RAW = rawConditions(DEPOP_CONDITIONS);
const SHOPIFY_RAW = rawConditions(SHOPIFY_CONDITIONS);
const SCHEMA_RAW = rawConditions(SCHEMA_ORG_CONDITIONS);

/** Conditions each source can express, weighted towards the common ones. @type {Record<SourceKind, Condition[]>} */
const CONDITION_POOL = {
  depop: ['new', 'like_new', 'like_new', 'excellent', 'excellent', 'excellent', 'good', 'good', 'good', 'fair'],
  shopify: ['new', 'like_new', 'excellent', 'excellent', 'good', 'good', 'good', 'fair', 'poor'],
  jsonld: ['new', 'good', 'good', 'good', 'good', 'poor'],
  woocommerce: ['new', 'like_new', 'excellent', 'excellent', 'good', 'good', 'fair'],
  ebay: ['excellent', 'good', 'good', 'fair'],
};
const WOO_RAW = rawConditions(WOO_CONDITIONS);
const EBAY_RAW = rawConditions(Object.fromEntries(Object.entries(EBAY_CONDITIONS).map(([k, v]) => [k, v.canonical])));

const CONDITION_FACTOR = { new: 1.25, like_new: 1.1, excellent: 1, good: 0.85, fair: 0.7, poor: 0.55 };

const CONDITION_SENTENCES = {
  new: 'Brand new with tags, never worn.',
  like_new: 'Worn once or twice, looks new.',
  excellent: 'Excellent preloved condition, no flaws.',
  good: 'Good condition with light signs of wear.',
  fair: 'Well loved: some fading and a small mark, priced to match.',
  poor: 'Worn condition: visible wear and a small repair, great for a project.',
};

const FIT_SENTENCES = [
  'Fits true to size.',
  'Relaxed fit, could suit a size up.',
  'Slightly snug, best for a size down.',
];
const EXTRA_SENTENCES = [
  'Smoke-free home.',
  'Ships within 2 days.',
  'Happy to answer questions.',
  'Bundle for a discount.',
];

/**
 * Validates and normalises `{ count, seed }`.
 * @param {{ count?: unknown, seed?: unknown }} options
 */
export function catalogueOptions(options) {
  const { count = 60, seed = 1 } = options;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100_000) {
    throw new RangeError(`count must be an integer from 1 to 100000, got ${String(count)}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${String(seed)}`);
  }
  return { count, seed };
}

/**
 * Generates `count` listings for `seed`; the same arguments always give the same catalogue.
 * @param {{ count?: number, seed?: number, origin?: string }} [options] `origin` prefixes the listing URLs
 *   (the server passes its own; default `http://127.0.0.1:4400`, the CLI's default port).
 * @returns {FixtureListing[]}
 */
export function generateCatalogue(options = {}) {
  const { count, seed } = catalogueOptions(options);
  const origin = checkOrigin(options.origin ?? 'http://127.0.0.1:4400');
  return Array.from({ length: count }, (_, n) => makeListing(seed, n, origin));
}

/** @param {unknown} origin */
function checkOrigin(origin) {
  if (typeof origin !== 'string' || !/^https?:\/\/[^/]+$/.test(origin)) {
    throw new TypeError(`origin must look like http://host:port (no path), got ${String(origin)}`);
  }
  return origin;
}

/** @param {number} minorUnits */
export function formatDecimal(minorUnits) {
  return (minorUnits / 100).toFixed(2);
}

/** @param {string} text */
function slugify(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** @param {string} text */
const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Listing number `n` of catalogue `seed`.
 * @param {number} seed
 * @param {number} n
 * @param {string} origin
 * @param {SourceKind} [source] Defaults to the 50/30/20 rotation.
 * @returns {FixtureListing}
 */
export function makeListing(seed, n, origin, source) {
  const r = createRandom(`${seed}:listing:${n}`);
  const kind = source ?? SOURCES_BY_SLOT[n % SOURCES_BY_SLOT.length] ?? 'depop';
  const garment = r.pick(GARMENT_KINDS);
  const spec = GARMENTS[garment];
  const colour = r.pick(COLOURS);
  const pattern = r.chance(0.55) ? 'plain' : r.pick(PATTERNS.slice(1));
  const condition = r.pick(CONDITION_POOL[kind]);
  const size = r.pick(SIZES[spec.sizes]);
  const noun = r.pick(spec.nouns);
  const material = r.chance(0.6) ? `${r.pick(spec.materials)} ` : '';
  const adjective = r.chance(0.5) ? `${r.pick(ADJECTIVES)} ` : '';
  const patternWord = PATTERN_WORDS[pattern] ? `${PATTERN_WORDS[pattern]} ` : '';
  const title = capitalise(`${adjective}${colour.name} ${patternWord}${material}${noun}`);
  const description = [
    CONDITION_SENTENCES[condition],
    size.startsWith('W') ? `Size ${size}.` : `Size ${size}. ${r.pick(FIT_SENTENCES)}`,
    r.pick(EXTRA_SENTENCES),
  ].join(' ');
  const brand = kind === 'depop' && r.chance(0.1) ? null : r.pick(BRANDS);

  const currency =
    kind === 'shopify'
      ? SHOPIFY_STORE.currency
      : kind === 'jsonld'
        ? JSONLD_SHOP.currency
        : kind === 'woocommerce'
          ? WOO_STORE.currency
          : kind === 'ebay'
            ? 'USD'
            : r.chance(0.75)
              ? 'GBP'
              : 'USD';
  const whole = Math.max(3, Math.round(r.int(spec.price[0], spec.price[1]) * CONDITION_FACTOR[condition]));
  const cents = r.pick([0, 0, 0, 50, 99]);
  const amount = whole * 100 + cents - (cents === 99 ? 100 : 0);
  const reduced = kind === 'depop' && r.chance(0.15);
  const originalPrice = reduced ? Math.round((amount * 1.25) / 100) * 100 : null;

  const idPart = r.int(0, 999);
  const externalId =
    kind === 'depop'
      ? String(300_000_000 + n * 1000 + idPart)
      : kind === 'shopify'
        ? String(7_400_000_000_000 + n * 1000 + idPart)
        : kind === 'woocommerce'
          ? String(5_000 + n)
          : kind === 'ebay'
            ? `v1|${String(296_000_000_000 + n * 1000 + idPart)}|0`
            : `SLV-${String(10_000 + n)}`;
  const seller = kind === 'depop' ? r.pick(SELLERS) : null;
  const titleSlug = slugify(title);
  const slug = kind === 'depop' ? `${slugify(seller ?? 'seller')}-${titleSlug}-${n.toString(36)}` : `${titleSlug}-${n}`;
  const conditionRaw =
    kind === 'depop'
      ? (DEPOP_RAW[condition] ?? 'used_good')
      : kind === 'shopify'
        ? (SHOPIFY_RAW[condition] ?? 'Good')
        : kind === 'woocommerce'
          ? (WOO_RAW[condition] ?? 'Good')
          : kind === 'ebay'
            ? (EBAY_RAW[condition] ?? 'Pre-owned - Good')
            : (SCHEMA_RAW[condition] ?? 'https://schema.org/UsedCondition');
  // eBay's search lists live items only: a sold eBay listing leaves the feed (see \`markSold\`).
  const status = kind !== 'ebay' && r.chance(0.08) ? 'sold' : 'active';

  /** @type {FixtureListing} */
  const listing = {
    key: `${kind}-${externalId}`,
    n,
    source: kind,
    externalId,
    slug,
    title,
    description,
    brand,
    size,
    category: spec.category,
    condition,
    conditionRaw,
    price: { amount, currency: /** @type {'GBP'|'USD'|'EUR'} */ (currency) },
    originalPrice,
    status,
    colour: { name: colour.name, rgb: [...colour.rgb] },
    garment,
    pattern,
    imageVersion: 0,
    seller,
    url: '',
    appUrl: null,
    imageUrl: '',
  };
  return withUrls(listing, origin);
}

/**
 * Sets the URLs a listing's source exposes, for the marketplace at `origin`.
 * @param {FixtureListing} listing
 * @param {string} origin
 */
export function withUrls(listing, origin) {
  listing.imageUrl = imageUrl(origin, listing.key, 640);
  if (listing.source === 'depop') {
    listing.url = `${origin}/depop/products/${listing.slug}/`;
    listing.appUrl = `depop://product/${listing.externalId}`;
  } else if (listing.source === 'shopify') {
    listing.url = `${origin}/shopify/products/${listing.slug}`;
    listing.appUrl = null;
  } else if (listing.source === 'woocommerce') {
    listing.url = `${origin}/woo/product/${listing.slug}/`;
    listing.appUrl = null;
  } else if (listing.source === 'ebay') {
    listing.url = `${origin}/ebay/itm/${listing.externalId.split('|')[1]}`;
    listing.appUrl = null;
  } else {
    listing.url = `${origin}/shop/products/${listing.slug}`;
    listing.appUrl = null;
  }
  return listing;
}

/** @param {string} origin @param {string} key @param {number} width */
export function imageUrl(origin, key, width) {
  return `${origin}/images/${key}.jpg?w=${width}`;
}

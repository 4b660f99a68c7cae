// @ts-check
// The words and numbers listings are made of. Brands are invented (no real trademarks).

/** @typedef {'tshirt'|'shirt'|'hoodie'|'jumper'|'jacket'|'coat'|'dress'|'skirt'|'jeans'|'trousers'} Garment */
/** @typedef {'plain'|'stripes'|'dots'|'check'} Pattern */
/** @typedef {import('@find-this-fit/sdk').Condition} Condition */

/**
 * @type {Record<Garment, { category: string, nouns: string[], materials: string[], sizes: 'tops'|'dress'|'waist', price: [number, number] }>}
 * price: whole units, before the listing's own variation.
 */
export const GARMENTS = {
  tshirt: {
    category: 'T-shirts',
    nouns: ['t-shirt', 'tee', 'graphic tee'],
    materials: ['cotton', 'organic cotton', 'jersey'],
    sizes: 'tops',
    price: [6, 28],
  },
  shirt: {
    category: 'Shirts',
    nouns: ['shirt', 'button-up shirt', 'oversized shirt'],
    materials: ['linen', 'cotton', 'flannel', 'chambray'],
    sizes: 'tops',
    price: [10, 40],
  },
  hoodie: {
    category: 'Hoodies',
    nouns: ['hoodie', 'zip hoodie'],
    materials: ['fleece', 'cotton', 'loopback'],
    sizes: 'tops',
    price: [14, 55],
  },
  jumper: {
    category: 'Jumpers',
    nouns: ['jumper', 'knit jumper', 'crewneck'],
    materials: ['wool', 'merino', 'cable-knit', 'mohair-blend'],
    sizes: 'tops',
    price: [12, 60],
  },
  jacket: {
    category: 'Jackets',
    nouns: ['jacket', 'bomber jacket', 'trucker jacket', 'blazer'],
    materials: ['corduroy', 'denim', 'suede', 'nylon', 'wool'],
    sizes: 'tops',
    price: [22, 95],
  },
  coat: {
    category: 'Coats',
    nouns: ['coat', 'trench coat', 'overcoat', 'parka'],
    materials: ['wool', 'cotton twill', 'tweed'],
    sizes: 'tops',
    price: [35, 140],
  },
  dress: {
    category: 'Dresses',
    nouns: ['midi dress', 'slip dress', 'maxi dress', 'mini dress'],
    materials: ['satin', 'cotton', 'linen', 'crepe'],
    sizes: 'dress',
    price: [12, 70],
  },
  skirt: {
    category: 'Skirts',
    nouns: ['mini skirt', 'midi skirt', 'pleated skirt', 'a-line skirt'],
    materials: ['denim', 'corduroy', 'satin', 'wool'],
    sizes: 'dress',
    price: [8, 45],
  },
  jeans: {
    category: 'Jeans',
    nouns: ['jeans', 'straight-leg jeans', 'wide-leg jeans', 'bootcut jeans'],
    materials: ['denim', 'selvedge denim', 'stretch denim'],
    sizes: 'waist',
    price: [15, 65],
  },
  trousers: {
    category: 'Trousers',
    nouns: ['trousers', 'cargo trousers', 'pleated trousers', 'chinos'],
    materials: ['cotton twill', 'linen', 'wool', 'corduroy'],
    sizes: 'waist',
    price: [12, 55],
  },
};

/** @type {Garment[]} */
export const GARMENT_KINDS = /** @type {Garment[]} */ (Object.keys(GARMENTS));

/** @type {Pattern[]} */
export const PATTERNS = ['plain', 'stripes', 'dots', 'check'];

/** Pleasant, well-separated garment colours. @type {{ name: string, rgb: [number, number, number] }[]} */
export const COLOURS = [
  { name: 'red', rgb: [196, 48, 43] },
  { name: 'burgundy', rgb: [122, 28, 48] },
  { name: 'orange', rgb: [232, 119, 34] },
  { name: 'mustard', rgb: [214, 168, 40] },
  { name: 'yellow', rgb: [246, 214, 74] },
  { name: 'olive', rgb: [112, 118, 46] },
  { name: 'green', rgb: [46, 139, 87] },
  { name: 'forest green', rgb: [34, 82, 52] },
  { name: 'teal', rgb: [22, 128, 132] },
  { name: 'navy', rgb: [30, 42, 92] },
  { name: 'blue', rgb: [42, 98, 196] },
  { name: 'sky blue', rgb: [126, 184, 232] },
  { name: 'lilac', rgb: [186, 160, 214] },
  { name: 'purple', rgb: [104, 54, 146] },
  { name: 'pink', rgb: [236, 120, 168] },
  { name: 'baby pink', rgb: [246, 190, 206] },
  { name: 'brown', rgb: [110, 70, 42] },
  { name: 'camel', rgb: [196, 150, 98] },
  { name: 'cream', rgb: [240, 230, 206] },
  { name: 'white', rgb: [246, 246, 242] },
  { name: 'black', rgb: [28, 28, 32] },
  { name: 'charcoal', rgb: [64, 66, 72] },
];

/** Invented brands. */
export const BRANDS = [
  'Northfold',
  'Maple & Moss',
  'Kestrel Row',
  'Loomwell',
  'Ondine Studio',
  'Harbour Lane',
  'Tidewell',
  'Brindle Co.',
  'Quillon',
  'Fernhill Denim',
  'Cobalt Street',
  'Wren and Willow',
  'Arden Mills',
  'Pebblestone',
  'Velvet Finch',
  'Hollowbrook',
  'Solent Supply',
  'Marrow & Pine',
  'Juniper Lane',
  'Atlas Thread',
];

export const ADJECTIVES = [
  'Vintage',
  'Retro',
  'Y2K',
  '90s',
  'Classic',
  'Oversized',
  'Cropped',
  'Relaxed',
  'Minimal',
  'Preloved',
];

/** @type {Record<'tops'|'dress'|'waist', string[]>} */
export const SIZES = {
  tops: ['XS', 'S', 'M', 'L', 'XL', 'XXL'],
  dress: ['UK 6', 'UK 8', 'UK 10', 'UK 12', 'UK 14', 'UK 16'],
  waist: ['W26 L30', 'W28 L30', 'W28 L32', 'W30 L32', 'W32 L32', 'W34 L32', 'W36 L34'],
};

export const SELLERS = [
  'maisie.closet',
  'thriftbytom',
  'rosa_rewear',
  'secondsun',
  'kitvintage',
  'ellisfinds',
  'noor.archive',
  'juno_resells',
];

// The canonical conditions are the API's own list: the marketplace's vocabularies below map onto it.
export { CONDITIONS } from '@find-this-fit/sdk';

/** Depop `attributes.condition` ↔ canonical. Depop has no "poor". @type {Record<string, Condition>} */
export const DEPOP_CONDITIONS = {
  brand_new: 'new',
  used_like_new: 'like_new',
  used_excellent: 'excellent',
  used_good: 'good',
  used_fair: 'fair',
};

/** Shopify has no condition field: shops put it in a tag, `Condition: <wording>` (invented convention). @type {Record<string, Condition>} */
export const SHOPIFY_CONDITIONS = {
  'New with tags': 'new',
  'Like new': 'like_new',
  Excellent: 'excellent',
  Good: 'good',
  Fair: 'fair',
  Worn: 'poor',
};

/** schema.org `itemCondition` ↔ canonical: schema.org only knows new, used, refurbished and damaged. @type {Record<string, Condition>} */
export const SCHEMA_ORG_CONDITIONS = {
  'https://schema.org/NewCondition': 'new',
  'https://schema.org/UsedCondition': 'good',
  'https://schema.org/DamagedCondition': 'poor',
};

/** Inverts a raw → canonical map. @param {Record<string, Condition>} map */
export function rawConditions(map) {
  /** @type {Partial<Record<Condition, string>>} */
  const out = {};
  for (const [raw, canonical] of Object.entries(map)) out[canonical] = raw;
  return out;
}

export const SHOPIFY_STORE = { name: 'Thrift Harbour', currency: 'EUR' };
export const JSONLD_SHOP = { name: 'Second Loop Vintage', currency: 'USD' };

/** The WooCommerce shop (Store API): condition in a product attribute named "Condition", Shopify-like wording. */
export const WOO_STORE = { name: 'Attic Threads', currency: 'GBP' };
/** @type {Record<string, Condition>} */
export const WOO_CONDITIONS = { ...SHOPIFY_CONDITIONS };

/**
 * eBay condition ids (item condition policy for clothing) ↔ canonical; the fixture lists used items only, as the
 * ingest asks eBay for (`filter=conditions:{USED}`).
 * @type {Record<string, { id: string, canonical: Condition }>}
 */
export const EBAY_CONDITIONS = {
  'Pre-owned - Excellent': { id: '2990', canonical: 'excellent' },
  'Pre-owned - Good': { id: '3000', canonical: 'good' },
  'Pre-owned - Fair': { id: '3010', canonical: 'fair' },
};
/** Default app keys the fixture's eBay token endpoint accepts. */
export const EBAY_FIXTURE_CREDENTIALS = {
  clientId: 'FixtureM-arket-PRD-0000000000-fixture0',
  clientSecret: 'PRD-fixture-secret-0000',
};

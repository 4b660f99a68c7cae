import type { Condition, Money } from '@find-this-fit/sdk';
import { fetchJsonResponse, MalformedPageError } from './fetch-json.js';
import { describe, isRecord, moneyFrom, objectAt, requiredString, requiredUrl } from './fields.js';
import { htmlToText } from './html-text.js';
import { keysOf } from './keys-of.js';
import { type NormalizedListing, NormalizeError, type SourceAdapter, type SourcePage } from './types.js';

export interface WooCommerceOptions {
  /** The shop's site URL, e.g. `https://vintage-shop.example` (the Store API lives under `/wp-json/wc/store/v1`). */
  storeUrl: string;
  /** `source` of its listings; default `woocommerce:<host>`. */
  name?: string;
}

/** Shops put the condition in an attribute named "Condition"; unknown wording keeps `conditionRaw` only. */
const CONDITIONS: Record<string, Condition> = {
  'new with tags': 'new',
  new: 'new',
  'like new': 'like_new',
  excellent: 'excellent',
  'very good': 'excellent',
  good: 'good',
  fair: 'fair',
  worn: 'poor',
  poor: 'poor',
};

/**
 * A Store API price (a string in the currency's minor unit, `prices.currency_minor_unit` digits) → money.
 * `"1105"` with minor unit 2 is 11.05; going through the decimal keeps one rounding rule for every source.
 */
export function storeApiMoney(prices: Record<string, unknown>, field: string): Money {
  const raw = prices[field];
  const unit = prices.currency_minor_unit;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw))
    throw new NormalizeError(`prices.${field}`, `expected minor units as a digit string, got ${describe(raw)}`);
  if (typeof unit !== 'number' || !Number.isInteger(unit) || unit < 0 || unit > 6)
    throw new NormalizeError('prices.currency_minor_unit', `expected an integer 0..6, got ${describe(unit)}`);
  const digits = raw.padStart(unit + 1, '0');
  const decimal = unit === 0 ? digits : `${digits.slice(0, -unit)}.${digits.slice(-unit)}`;
  return moneyFrom(decimal, prices.currency_code, `prices.${field}`, 'prices.currency_code');
}

/** The terms of the attribute whose name matches (e.g. /size/i): `attributes[].terms[].name`. */
function attributeTerm(product: Record<string, unknown>, name: RegExp): string | null {
  if (!Array.isArray(product.attributes)) return null;
  const attribute = product.attributes.find((a) => isRecord(a) && typeof a.name === 'string' && name.test(a.name));
  if (!isRecord(attribute) || !Array.isArray(attribute.terms)) return null;
  const terms = attribute.terms.filter(isRecord).map((t) => (typeof t.name === 'string' ? htmlToText(t.name) : ''));
  return terms.filter(Boolean).join(', ') || null;
}

const firstTermName = (value: unknown): string | null => {
  const first = Array.isArray(value) ? value[0] : undefined;
  return isRecord(first) && typeof first.name === 'string' ? htmlToText(first.name) || null : null;
};

/** A Store API product → listing. Pure. Out of stock or not purchasable → sold. */
export function normalizeWooCommerce(payload: unknown, source: string): NormalizedListing {
  const product = objectAt(payload, 'product');
  const id = requiredString(product, 'id', 'id');
  // Names and descriptions come HTML-escaped (`&#8211;`, `&amp;`): decode to text.
  const title = htmlToText(requiredString(product, 'name', 'name'));
  if (!title) throw new NormalizeError('name', 'empty once HTML is removed');
  const prices = objectAt(product.prices, 'prices');
  const price = storeApiMoney(prices, 'price');
  if (!Array.isArray(product.images) || product.images.length === 0)
    throw new NormalizeError('images', `expected a non-empty array, got ${describe(product.images)}`);
  const image = objectAt(product.images[0], 'images[0]');
  if (typeof product.is_in_stock !== 'boolean')
    throw new NormalizeError('is_in_stock', `expected true or false, got ${describe(product.is_in_stock)}`);
  const available = product.is_in_stock && product.is_purchasable !== false;
  const text = (field: string) => (typeof product[field] === 'string' ? htmlToText(product[field] as string) : '');
  const conditionRaw = attributeTerm(product, /^condition$/i);
  return {
    source,
    externalId: id,
    title,
    description: text('short_description') || text('description') || null,
    brand: firstTermName(product.brands),
    size: attributeTerm(product, /size/i),
    category: firstTermName(product.categories),
    condition: conditionRaw ? (CONDITIONS[conditionRaw.toLowerCase()] ?? null) : null,
    conditionRaw,
    price,
    url: requiredUrl(product.permalink, 'permalink'),
    appUrl: null,
    imageUrl: requiredUrl(image.src, 'images[0].src'),
    status: available ? 'active' : 'sold',
  };
}

/**
 * A WooCommerce shop's public Store API, `GET /wp-json/wc/store/v1/products?page=N&per_page=M` (at most 100 per
 * page). The cursor is the next page number; `X-WP-TotalPages` says where it ends (an empty page too).
 */
export function wooCommerceSource(options: WooCommerceOptions): SourceAdapter {
  const storeUrl = options.storeUrl.replace(/\/+$/, '');
  const source = options.name ?? `woocommerce:${new URL(storeUrl).host}`;
  return {
    source,
    stateKey: `woocommerce|${storeUrl}`,
    normalize: (payload) => normalizeWooCommerce(payload, source),
    async *pages(context, cursor): AsyncIterable<SourcePage> {
      const perPage = Math.min(100, context.pageSize);
      for (let page = cursor ? Number(cursor) : 1; ; page++) {
        const url = `${storeUrl}/wp-json/wc/store/v1/products?page=${page}&per_page=${perPage}`;
        const { data, response } = await fetchJsonResponse(context, url);
        if (!Array.isArray(data))
          throw new MalformedPageError(`${url}: expected a JSON array of products, found ${keysOf(data)}`);
        const records = data.map((payload, i) => ({
          ref: isRecord(payload) && payload.id !== undefined ? `${source}:${String(payload.id)}` : `${url}#${i}`,
          payload,
        }));
        const totalPages = Number(response.headers['x-wp-totalpages']);
        const totalItems = Number(response.headers['x-wp-total']);
        const last = data.length === 0 || (Number.isInteger(totalPages) && page >= totalPages);
        const next = last ? null : String(page + 1);
        yield Number.isInteger(totalItems) ? { records, next, total: totalItems } : { records, next };
        if (!next) return;
      }
    },
  };
}

import type { Condition, ListingStatus, Money } from '@find-this-fit/sdk';
import {
  describe,
  firstLine,
  isRecord,
  moneyFrom,
  objectAt,
  optionalString,
  requiredString,
  requiredUrl,
} from './fields.js';
import { keysOf } from './keys-of.js';
import { type NormalizedListing, NormalizeError } from './types.js';

/**
 * Depop product objects → listings. Two families of shapes are read, both as public clients have recorded them
 * (sources in the README's Depop section):
 *
 * - search (`objects` or `products` of the web search API): `pricing` with `final_price_key` naming
 *   `original_price` / `discounted_price` / `current_price`, each with `price_breakdown.price.amount` and/or
 *   `total_price`; pictures as `{ formats: { P0: { url } } }` or keyed by width (`{ "640": url }`); `sizes` as
 *   strings or `{ name }`; condition in `attributes.condition`.
 * - shop products (`products` of `/api/v1/shop/<id>/products/`): `price.price_amount` (+ `discounted_price_amount`)
 *   and `price.currency_name`, `preview` keyed by width (`"150"`, `"1280"`), `status: "ONSALE"`.
 */

const CONDITIONS: Record<string, Condition> = {
  brand_new: 'new',
  used_like_new: 'like_new',
  used_excellent: 'excellent',
  used_good: 'good',
  used_fair: 'fair',
};
const ACTIVE = new Set(['onsale', 'on_sale', 'status_onsale', 'active', 'available']);
const SOLD = new Set(['sold', 'status_sold', 'marked_as_sold', 'purchased']);

function statusOf(item: Record<string, unknown>): ListingStatus {
  // Search results list what is for sale; a status, when given, is checked.
  if (item.status === undefined || item.status === null) return 'active';
  const raw = requiredString(item, 'status', 'status').toLowerCase();
  if (ACTIVE.has(raw)) return 'active';
  if (SOLD.has(raw)) return 'sold';
  throw new NormalizeError('status', `unknown listing status ${describe(item.status)}`);
}

/** A picture in any recorded form: `{ formats: { P0: { url } } }`, `{ "640": url, … }` or a URL string. */
export function pictureUrl(picture: unknown, path: string): string {
  if (typeof picture === 'string') return requiredUrl(picture, path);
  const record = objectAt(picture, path);
  if (isRecord(record.formats)) {
    // P0 is the largest rendition public clients read; fall back to the next ones.
    const key = ['P0', 'P1', 'P2', 'P3', 'P4'].find((k) => isRecord((record.formats as Record<string, unknown>)[k]));
    if (!key) throw new NormalizeError(`${path}.formats`, `no P0…P4 rendition (${keysOf(record.formats)})`);
    const format = (record.formats as Record<string, Record<string, unknown>>)[key] as Record<string, unknown>;
    return requiredUrl(format.url, `${path}.formats.${key}.url`);
  }
  if (typeof record.url === 'string') return requiredUrl(record.url, `${path}.url`);
  // Keyed by width: the smallest at least 640 px wide (enough for the embedder, not wasteful), else the largest.
  const widths = Object.keys(record)
    .filter((k) => /^\d+$/.test(k) && typeof record[k] === 'string')
    .map(Number)
    .sort((a, b) => a - b);
  const best = widths.find((w) => w >= 640) ?? widths[widths.length - 1];
  if (best === undefined)
    throw new NormalizeError(path, `no picture URL: no formats.P0, url or width key (${keysOf(record)})`);
  return requiredUrl(record[String(best)], `${path}["${best}"]`);
}

function imageOf(item: Record<string, unknown>): string {
  if (Array.isArray(item.pictures) && item.pictures.length > 0) return pictureUrl(item.pictures[0], 'pictures[0]');
  if (item.preview !== undefined && item.preview !== null) return pictureUrl(item.preview, 'preview');
  throw new NormalizeError('pictures', `no pictures and no preview (${keysOf(item)})`);
}

/** The search shape's price: the entry `final_price_key` names (else the reduced one when `is_reduced`). */
function searchPrice(item: Record<string, unknown>): Money {
  const pricing = objectAt(item.pricing, 'pricing');
  let key = optionalString(pricing, 'final_price_key', 'pricing.final_price_key');
  if (key === null) {
    const reduced = pricing.is_reduced === true;
    key =
      (reduced ? ['discounted_price', 'current_price'] : ['current_price', 'original_price']).find((k) =>
        isRecord(pricing[k]),
      ) ?? 'original_price';
  }
  if (!isRecord(pricing[key]))
    throw new NormalizeError(`pricing.${key}`, `missing: final price entry not found (pricing ${keysOf(pricing)})`);
  const entry = pricing[key] as Record<string, unknown>;
  const breakdown = isRecord(entry.price_breakdown) ? entry.price_breakdown : undefined;
  const price = breakdown && isRecord(breakdown.price) ? breakdown.price : undefined;
  // The item price without shipping when the breakdown is there; else the total the listing shows.
  const [amount, amountPath] =
    price?.amount !== undefined
      ? [price.amount, `pricing.${key}.price_breakdown.price.amount`]
      : [entry.total_price, `pricing.${key}.total_price`];
  if (amount === undefined)
    throw new NormalizeError(`pricing.${key}`, `no price_breakdown.price.amount or total_price (${keysOf(entry)})`);
  const currency = pricing.currency_name ?? pricing.currency ?? price?.currency_name;
  return moneyFrom(amount, currency, amountPath, 'pricing.currency_name');
}

/** The shop-products shape's price: `price.discounted_price_amount` when reduced, else `price.price_amount`. */
function shopPrice(item: Record<string, unknown>): Money {
  const price = objectAt(item.price, 'price');
  const reduced = price.discounted_price_amount !== undefined && price.discounted_price_amount !== null;
  const field = reduced ? 'discounted_price_amount' : 'price_amount';
  if (price[field] === undefined) throw new NormalizeError(`price.${field}`, `missing (price ${keysOf(price)})`);
  return moneyFrom(price[field], price.currency_name, `price.${field}`, 'price.currency_name');
}

/** "seller-vintage-denim-jacket-a567" → "Vintage denim jacket" (shop products may carry no description). */
export function titleFromSlug(slug: string): string {
  const words = slug.split('-').slice(1);
  if (words.length > 1 && /^[0-9a-f]{4}$/.test(words[words.length - 1] ?? '')) words.pop();
  const text = words.join(' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : slug;
}

function sizeOf(item: Record<string, unknown>): string | null {
  if (item.sizes === undefined || item.sizes === null) return typeof item.size === 'string' ? item.size : null;
  if (!Array.isArray(item.sizes)) throw new NormalizeError('sizes', `expected an array, got ${describe(item.sizes)}`);
  const first = item.sizes[0];
  return typeof first === 'string' ? first : isRecord(first) ? optionalString(first, 'name', 'sizes[0].name') : null;
}

function conditionOf(item: Record<string, unknown>): { condition: Condition | null; conditionRaw: string | null } {
  const attributes = isRecord(item.attributes) ? item.attributes : {};
  const raw =
    optionalString(attributes, 'condition', 'attributes.condition') ??
    (typeof item.condition === 'string' ? item.condition : null);
  if (raw === null) return { condition: null, conditionRaw: null };
  // Unknown wording keeps the raw text: Depop adds conditions now and then.
  return { condition: CONDITIONS[raw] ?? null, conditionRaw: raw };
}

/**
 * A Depop product object (either shape) → listing. Pure. Title = first line of `description` (Depop has no
 * title field), else words of the slug.
 */
export function normalizeDepop(payload: unknown, webBase = 'https://www.depop.com'): NormalizedListing {
  const item = objectAt(payload, 'object');
  const id = requiredString(item, 'id', 'id');
  const slug = requiredString(item, 'slug', 'slug');
  const description = optionalString(item, 'description', 'description');
  const title = description ? firstLine(description) : titleFromSlug(slug);
  let price: Money;
  if (item.pricing !== undefined) price = searchPrice(item);
  else if (item.price !== undefined) price = shopPrice(item);
  else throw new NormalizeError('pricing', `no pricing (search shape) and no price (shop shape); ${keysOf(item)}`);
  const base = webBase.replace(/\/+$/, '');
  return {
    source: 'depop',
    externalId: id,
    title,
    description: description
      ? description
          .trim()
          .replace(/^[^\n]*\n?/, '')
          .trim() || null
      : null,
    brand: optionalString(item, 'brand_name', 'brand_name'),
    size: sizeOf(item),
    category: typeof item.category_name === 'string' ? item.category_name : null,
    ...conditionOf(item),
    price,
    url: `${base}/products/${encodeURIComponent(slug)}/`,
    appUrl: `depop://product/${encodeURIComponent(id)}`,
    imageUrl: imageOf(item),
    status: statusOf(item),
  };
}

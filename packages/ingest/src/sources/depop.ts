import type { Condition, ListingStatus } from '@find-this-fit/sdk';
import { fetchJson, MalformedPageError } from './fetch-json.js';
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
import { type NormalizedListing, NormalizeError, type SourceAdapter, type SourcePage } from './types.js';

export interface DepopOptions {
  /** Root of the v3 API, e.g. `https://webapi.depop.com/api/v3` (fixture: `<marketplace>/depop/api/v3`). */
  apiBase: string;
  /** Base of product pages, default `https://www.depop.com` (fixture: `<marketplace>/depop`). */
  webBase?: string;
  /** Extra query parameters for the search (e.g. `{ what: 'levis', country: 'gb' }`): the crawl's seed. */
  query?: Record<string, string>;
}

const CONDITIONS: Record<string, Condition> = {
  brand_new: 'new',
  used_like_new: 'like_new',
  used_excellent: 'excellent',
  used_good: 'good',
  used_fair: 'fair',
};

const ACTIVE = new Set(['onsale', 'on_sale', 'active', 'available']);
const SOLD = new Set(['sold', 'marked_as_sold', 'purchased']);

/** Picks a picture URL from `{ "150": url, "640": url, … }`: 640 px when offered, else the closest width. */
export function pickPicture(sizes: unknown, path: string): string {
  const record = objectAt(sizes, path);
  const widths = Object.keys(record)
    .filter((k) => /^\d+$/.test(k) && typeof record[k] === 'string')
    .map(Number)
    .sort((a, b) => Math.abs(a - 640) - Math.abs(b - 640));
  const best = widths[0];
  if (best === undefined) throw new NormalizeError(path, 'no picture URL keyed by width (e.g. "640")');
  return requiredUrl(record[String(best)], `${path}["${best}"]`);
}

/**
 * A Depop search object → listing. Pure. Title = first line of `description`; price from
 * `pricing[final_price_key].price_breakdown.price.amount` in `pricing.currency_name`.
 */
export function normalizeDepop(payload: unknown, webBase = 'https://www.depop.com'): NormalizedListing {
  const item = objectAt(payload, 'object');
  const id = requiredString(item, 'id', 'id');
  const slug = requiredString(item, 'slug', 'slug');
  const description = requiredString(item, 'description', 'description');
  const title = firstLine(description);

  const statusRaw = requiredString(item, 'status', 'status').toLowerCase();
  let status: ListingStatus;
  if (ACTIVE.has(statusRaw)) status = 'active';
  else if (SOLD.has(statusRaw)) status = 'sold';
  else throw new NormalizeError('status', `unknown listing status ${describe(item.status)}`);

  const pricing = objectAt(item.pricing, 'pricing');
  const key = requiredString(pricing, 'final_price_key', 'pricing.final_price_key');
  if (key !== 'original_price' && key !== 'discounted_price')
    throw new NormalizeError('pricing.final_price_key', `expected original_price or discounted_price, got "${key}"`);
  const final = objectAt(pricing[key], `pricing.${key}`);
  const breakdown = objectAt(final.price_breakdown, `pricing.${key}.price_breakdown`);
  const price = objectAt(breakdown.price, `pricing.${key}.price_breakdown.price`);
  const money = moneyFrom(
    price.amount,
    pricing.currency_name,
    `pricing.${key}.price_breakdown.price.amount`,
    'pricing.currency_name',
  );

  let imageUrl: string;
  if (Array.isArray(item.pictures) && item.pictures.length > 0) imageUrl = pickPicture(item.pictures[0], 'pictures[0]');
  else if (item.preview !== undefined) imageUrl = pickPicture(item.preview, 'preview');
  else throw new NormalizeError('pictures', 'no pictures and no preview');

  let size: string | null = null;
  if (item.sizes !== undefined && item.sizes !== null) {
    if (!Array.isArray(item.sizes)) throw new NormalizeError('sizes', `expected an array, got ${describe(item.sizes)}`);
    const first = item.sizes[0];
    size = typeof first === 'string' ? first : isRecord(first) ? optionalString(first, 'name', 'sizes[0].name') : null;
  }
  const attributes = item.attributes === undefined ? {} : objectAt(item.attributes, 'attributes');
  const conditionRaw = optionalString(attributes, 'condition', 'attributes.condition');
  let condition: Condition | null = null;
  if (conditionRaw !== null) {
    const mapped = CONDITIONS[conditionRaw];
    if (!mapped) throw new NormalizeError('attributes.condition', `unknown condition "${conditionRaw}"`);
    condition = mapped;
  }
  const base = webBase.replace(/\/+$/, '');
  return {
    source: 'depop',
    externalId: id,
    title,
    description: description.slice(title.length).trim() || null,
    brand: optionalString(item, 'brand_name', 'brand_name'),
    size,
    category: optionalString(item, 'category_name', 'category_name'),
    condition,
    conditionRaw,
    price: money,
    url: `${base}/products/${encodeURIComponent(slug)}/`,
    appUrl: `depop://product/${encodeURIComponent(id)}`,
    imageUrl,
    status,
  };
}

/** Depop's search JSON, paged by `page_info.last` passed back as `after`. */
export function depopSource(options: DepopOptions): SourceAdapter {
  const apiBase = options.apiBase.replace(/\/+$/, '');
  const webBase = options.webBase ?? 'https://www.depop.com';
  const query = options.query ?? {};
  const seed = new URLSearchParams(Object.entries(query).sort()).toString();
  return {
    source: 'depop',
    stateKey: `depop|${apiBase}|${seed}`,
    normalize: (payload) => normalizeDepop(payload, webBase),
    async *pages(context, cursor): AsyncIterable<SourcePage> {
      let after = cursor;
      for (;;) {
        const params = new URLSearchParams({ ...query, limit: String(Math.min(100, context.pageSize)) });
        if (after) params.set('after', after);
        const url = `${apiBase}/search/products/?${params}`;
        const body = await fetchJson(context, url);
        if (!isRecord(body) || !Array.isArray(body.objects) || !isRecord(body.page_info)) {
          throw new MalformedPageError(`${url}: expected { objects: [...], page_info: {...} }, got ${describe(body)}`);
        }
        const more = body.page_info.has_more === true;
        const last = body.page_info.last;
        if (more && (typeof last !== 'string' || last === '')) {
          throw new MalformedPageError(`${url}: page_info.has_more is true but page_info.last is ${describe(last)}`);
        }
        const records = body.objects.map((payload, i) => ({
          ref: isRecord(payload) && payload.id !== undefined ? `depop:${String(payload.id)}` : `${url}#${i}`,
          payload,
        }));
        const next = more ? (last as string) : null;
        const total =
          isRecord(body.meta) && typeof body.meta.total_count === 'number' ? body.meta.total_count : undefined;
        yield total === undefined ? { records, next } : { records, next, total };
        if (!next) return;
        after = next;
      }
    },
  };
}

import type { Condition } from '@find-this-fit/sdk';
import { fetchJson, MalformedPageError } from './fetch-json.js';
import { describe, isRecord, moneyFrom, objectAt, optionalString, requiredString, requiredUrl } from './fields.js';
import { cleanText, htmlToText } from './html-text.js';
import { type NormalizedListing, NormalizeError, type SourceAdapter, type SourcePage } from './types.js';

export interface ShopifyOptions {
  /** The store's base URL, e.g. `https://shop.example` (fixture: `<marketplace>/shopify`). */
  storeUrl: string;
  /** ISO 4217 currency of the store's prices (products.json does not say). */
  currency: string;
  /** `source` of its listings; default `shopify:<host>`. */
  name?: string;
}

/** Shops put the condition in a tag, `Condition: <wording>`; unknown wording keeps `conditionRaw` only. */
const CONDITIONS: Record<string, Condition> = {
  'new with tags': 'new',
  new: 'new',
  'like new': 'like_new',
  excellent: 'excellent',
  good: 'good',
  fair: 'fair',
  worn: 'poor',
  poor: 'poor',
};

function tagsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((t) => typeof t === 'string')) return value.map((t) => t.trim());
  throw new NormalizeError('tags', `expected a string or an array of strings, got ${describe(value)}`);
}

const textOrNull = (value: string | null): string | null => (value ? cleanText(value) || null : null);

/**
 * The product's picture: `images[0].src`, else a variant's `featured_image.src`; protocol-relative
 * (`//cdn.shopify.com/…?v=1`) and relative URLs resolved against the store.
 */
function imageOf(product: Record<string, unknown>, variants: Record<string, unknown>[], store: string): string {
  const first = Array.isArray(product.images) ? product.images[0] : undefined;
  if (first !== undefined) return requiredUrl(objectAt(first, 'images[0]').src, 'images[0].src', `${store}/`);
  const featured = variants.map((v) => v.featured_image).find(isRecord);
  if (featured) return requiredUrl(featured.src, 'variants[].featured_image.src', `${store}/`);
  throw new NormalizeError('images', `expected a non-empty array, got ${describe(product.images)}`);
}

/** A product from `/products.json` → listing. Pure. Uses the first available variant (else the first). */
export function normalizeShopify(
  payload: unknown,
  options: Omit<ShopifyOptions, 'storeUrl'> & { storeUrl: string },
): NormalizedListing {
  const product = objectAt(payload, 'product');
  const id = requiredString(product, 'id', 'id');
  const handle = requiredString(product, 'handle', 'handle');
  const title = cleanText(requiredString(product, 'title', 'title'));
  const store = options.storeUrl.replace(/\/+$/, '');
  if (!Array.isArray(product.variants) || product.variants.length === 0)
    throw new NormalizeError('variants', `expected a non-empty array, got ${describe(product.variants)}`);
  const variants = product.variants.map((v, i) => objectAt(v, `variants[${i}]`));
  if (variants.every((v) => v.available === undefined || v.available === null))
    throw new NormalizeError('variants[0].available', 'missing: cannot tell whether the product is in stock');
  // The first available variant with a price; real stores leave `price` null on placeholder variants.
  const priced = variants.map((v, i) => ({ v, i })).filter(({ v }) => v.price !== null && v.price !== undefined);
  const { v: variant, i: index } = priced.find(({ v }) => v.available === true) ??
    priced[0] ?? { v: variants[0] as Record<string, unknown>, i: 0 };
  const price = moneyFrom(variant.price, options.currency, `variants[${index}].price`, 'currency (config)');
  const available = variants.some((v) => v.available === true);

  const imageUrl = imageOf(product, variants, store);

  // Size: the option named "Size" if the product declares options, else option1 (unless the placeholder).
  let sizeIndex = 0;
  if (Array.isArray(product.options)) {
    const found = product.options.findIndex((o) => isRecord(o) && typeof o.name === 'string' && /size/i.test(o.name));
    sizeIndex = found;
  }
  const sizeValue = sizeIndex >= 0 ? variant[`option${sizeIndex + 1}`] : undefined;
  const size = typeof sizeValue === 'string' && sizeValue !== 'Default Title' ? cleanText(sizeValue) || null : null;

  const conditionTag = tagsOf(product.tags).find((t) => /^condition\s*:/i.test(t));
  const conditionRaw = conditionTag ? cleanText(conditionTag.replace(/^condition\s*:\s*/i, '')) : null;
  const condition = conditionRaw ? (CONDITIONS[conditionRaw.toLowerCase()] ?? null) : null;

  const body = optionalString(product, 'body_html', 'body_html');
  return {
    source: options.name ?? `shopify:${new URL(store).host}`,
    externalId: id,
    title,
    description: body ? htmlToText(body) || null : null,
    brand: textOrNull(optionalString(product, 'vendor', 'vendor')),
    size,
    category: textOrNull(optionalString(product, 'product_type', 'product_type')),
    condition,
    conditionRaw,
    price,
    url: `${store}/products/${encodeURIComponent(handle)}`,
    appUrl: null,
    imageUrl,
    status: available ? 'active' : 'sold',
  };
}

/** A Shopify store's public `/products.json?limit=250&page=N`; the cursor is the next page number. */
export function shopifySource(options: ShopifyOptions): SourceAdapter {
  const storeUrl = options.storeUrl.replace(/\/+$/, '');
  const normalizeOptions = { ...options, storeUrl };
  const source = options.name ?? `shopify:${new URL(storeUrl).host}`;
  return {
    source,
    stateKey: `shopify|${storeUrl}`,
    normalize: (payload) => normalizeShopify(payload, normalizeOptions),
    async *pages(context, cursor): AsyncIterable<SourcePage> {
      const limit = Math.min(250, context.pageSize);
      for (let page = cursor ? Number(cursor) : 1; ; page++) {
        const url = `${storeUrl}/products.json?limit=${limit}&page=${page}`;
        const body = await fetchJson(context, url);
        if (!isRecord(body) || !Array.isArray(body.products)) {
          throw new MalformedPageError(`${url}: expected { products: [...] }, got ${describe(body)}`);
        }
        const records = body.products.map((payload, i) => ({
          ref: isRecord(payload) && payload.id !== undefined ? `${source}:${String(payload.id)}` : `${url}#${i}`,
          payload,
        }));
        // Stores may cap `limit` below what we ask: only an empty page means the end.
        const next = body.products.length === 0 ? null : String(page + 1);
        yield { records, next };
        if (!next) return;
      }
    },
  };
}

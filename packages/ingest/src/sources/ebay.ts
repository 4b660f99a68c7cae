import type { Condition } from '@find-this-fit/sdk';
import { HttpStatusError } from '../fetcher/errors.js';
import { EbayAppToken, type EbayCredentials } from './ebay-token.js';
import { fetchJsonResponse, MalformedPageError } from './fetch-json.js';
import { isRecord, moneyFrom, objectAt, optionalString, requiredString, requiredUrl } from './fields.js';
import { keysOf } from './keys-of.js';
import {
  type NormalizedListing,
  NormalizeError,
  type SourceAdapter,
  type SourceContext,
  type SourcePage,
} from './types.js';

export interface EbayOptions {
  /** `https://api.ebay.com` (production) or `https://api.sandbox.ebay.com`; the token endpoint lives there too. */
  apiBase?: string;
  /** `X-EBAY-C-MARKETPLACE-ID`, e.g. `EBAY_US`, `EBAY_GB`, `EBAY_DE`. */
  marketplaceId?: string;
  /** Keywords (`q`); without, the whole category (eBay needs `q` or `category_ids`). */
  query?: string;
  /** `category_ids`; default 11450 (Clothing, Shoes & Accessories). */
  categoryIds?: string;
  /** Condition ids for `filter=conditionIds:{…}`; default: `filter=conditions:{USED}` (every used condition). */
  conditionIds?: string[];
  /** `source` of its listings; default `ebay:<marketplaceId>`. */
  name?: string;
  credentials: EbayCredentials;
}

/** eBay condition ids (item condition policy) → our scale; unknown ids keep the condition text only. */
const CONDITION_IDS: Record<string, Condition> = {
  '1000': 'new',
  '1500': 'like_new',
  '1750': 'good',
  '2750': 'like_new',
  '2990': 'excellent',
  '3000': 'good',
  '3010': 'fair',
  '4000': 'excellent',
  '5000': 'good',
  '6000': 'fair',
  '7000': 'poor',
};

/** An `itemSummaries[]` entry of `item_summary/search` → listing. Pure. */
export function normalizeEbay(payload: unknown, source: string): NormalizedListing {
  const item = objectAt(payload, 'itemSummary');
  const price = objectAt(item.price, 'price');
  const image = isRecord(item.image)
    ? item.image
    : Array.isArray(item.thumbnailImages) && isRecord(item.thumbnailImages[0])
      ? item.thumbnailImages[0]
      : undefined;
  if (!image) throw new NormalizeError('image', `no image.imageUrl and no thumbnailImages (${keysOf(item)})`);
  const conditionId = optionalString(item, 'conditionId', 'conditionId');
  const category = Array.isArray(item.categories) && isRecord(item.categories[0]) ? item.categories[0] : undefined;
  return {
    source,
    externalId: requiredString(item, 'itemId', 'itemId'),
    title: requiredString(item, 'title', 'title'),
    description: typeof item.shortDescription === 'string' ? item.shortDescription : null,
    brand: null,
    size: null,
    category: category ? optionalString(category, 'categoryName', 'categories[0].categoryName') : null,
    condition: conditionId ? (CONDITION_IDS[conditionId] ?? null) : null,
    conditionRaw: optionalString(item, 'condition', 'condition'),
    price: moneyFrom(price.value, price.currency, 'price.value', 'price.currency'),
    url: requiredUrl(item.itemWebUrl, 'itemWebUrl'),
    appUrl: null,
    imageUrl: requiredUrl(image.imageUrl, 'image.imageUrl'),
    status: 'active',
  };
}

/** Browse API search returns at most 10 000 items (offset + limit). */
const MAX_RESULTS = 10_000;

/**
 * eBay through its official Browse API: `GET /buy/browse/v1/item_summary/search` with an Application token,
 * used conditions, a clothing category, `limit`/`offset` paging while `next` is given. The cursor is the offset.
 */
export function ebaySource(options: EbayOptions): SourceAdapter {
  const apiBase = (options.apiBase ?? 'https://api.ebay.com').replace(/\/+$/, '');
  const marketplaceId = options.marketplaceId ?? 'EBAY_US';
  const source = options.name ?? `ebay:${marketplaceId}`;
  const token = new EbayAppToken(apiBase, options.credentials);
  const filter = options.conditionIds?.length
    ? `conditionIds:{${options.conditionIds.join('|')}}`
    : 'conditions:{USED}';
  const categoryIds = options.categoryIds ?? '11450';

  const search = async (context: SourceContext, url: string) => {
    const call = async () =>
      fetchJsonResponse(context, url, {
        robots: false,
        headers: { authorization: `Bearer ${await token.get(context)}`, 'x-ebay-c-marketplace-id': marketplaceId },
      });
    try {
      return await call();
    } catch (error) {
      // A token revoked or expired early: mint a new one once.
      if (!(error instanceof HttpStatusError) || error.status !== 401) throw error;
      token.invalidate();
      return call();
    }
  };

  return {
    source,
    stateKey: `ebay|${apiBase}|${marketplaceId}|${options.query ?? ''}|${categoryIds}|${filter}`,
    normalize: (payload) => normalizeEbay(payload, source),
    async *pages(context, cursor): AsyncIterable<SourcePage> {
      const limit = Math.min(200, context.pageSize);
      for (let offset = cursor ? Number(cursor) : 0; ; ) {
        const params = new URLSearchParams({
          ...(options.query ? { q: options.query } : {}),
          category_ids: categoryIds,
          filter,
          limit: String(limit),
          offset: String(offset),
        });
        const url = `${apiBase}/buy/browse/v1/item_summary/search?${params}`;
        const { data } = await search(context, url);
        if (!isRecord(data) || (data.itemSummaries !== undefined && !Array.isArray(data.itemSummaries)))
          throw new MalformedPageError(`${url}: expected { itemSummaries: [...] }, found ${keysOf(data)}`);
        const items = (data.itemSummaries as unknown[] | undefined) ?? []; // absent when nothing matches
        const records = items.map((payload, i) => ({
          ref: isRecord(payload) && typeof payload.itemId === 'string' ? `${source}:${payload.itemId}` : `${url}#${i}`,
          payload,
        }));
        offset += items.length;
        const more = typeof data.next === 'string' && items.length > 0 && offset < MAX_RESULTS;
        const next = more ? String(offset) : null;
        const total = typeof data.total === 'number' ? Math.min(data.total, MAX_RESULTS) : undefined;
        yield total === undefined ? { records, next } : { records, next, total };
        if (!next) return;
      }
    },
  };
}

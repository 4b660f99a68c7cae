import { normalizeDepop } from './depop-normalize.js';
import { fetchJson, MalformedPageError } from './fetch-json.js';
import { describe, isRecord } from './fields.js';
import { keysOf } from './keys-of.js';
import type { RawRecord, SourceAdapter, SourceContext, SourcePage } from './types.js';

export { normalizeDepop, pictureUrl, titleFromSlug } from './depop-normalize.js';

export interface DepopOptions {
  /**
   * Root of the API: for a search, the web search API (`<apiBase>/search/products/`, e.g.
   * `https://www.depop.com/presentation/api/v1` or `https://webapi.depop.com/api/v3`); for a shop, the v1 API
   * (`<apiBase>/shop/<shopId>/products/`, `https://webapi.depop.com/api/v1`).
   */
  apiBase: string;
  /** Base of product pages, default `https://www.depop.com` (fixture: `<marketplace>/depop`). */
  webBase?: string;
  /** Search parameters (e.g. `{ what: 'levis', country: 'gb' }`): the crawl's seed. */
  query?: Record<string, string>;
  /** A seller's numeric shop id: reads that shop's products instead of a search. */
  shopId?: string;
}

/** Records of one page; the ref names the product id where there is one. */
function recordsOf(items: unknown[], url: string): RawRecord[] {
  return items.map((payload, i) => ({
    ref: isRecord(payload) && payload.id !== undefined ? `depop:${String(payload.id)}` : `${url}#${i}`,
    payload,
  }));
}

/**
 * The next search cursor. Two recorded pagings: `page_info: { has_more, last }` (sent back as `after`), and
 * `meta: { cursor, has_more? }` (sent back as `cursor`). Stored as `after:<v>` / `cursor:<v>`.
 */
function nextSearchCursor(body: Record<string, unknown>, url: string): string | null {
  if (isRecord(body.page_info)) {
    const { has_more: more, last } = body.page_info;
    if (more !== true) return null;
    if (typeof last !== 'string' || last === '')
      throw new MalformedPageError(`${url}: page_info.has_more is true but page_info.last is ${describe(last)}`);
    return `after:${last}`;
  }
  if (isRecord(body.meta)) {
    const { cursor, has_more: more } = body.meta;
    if (more === false || typeof cursor !== 'string' || cursor === '') return null;
    return `cursor:${cursor}`;
  }
  return null;
}

async function* searchPages(
  context: SourceContext,
  options: { apiBase: string; query: Record<string, string> },
  cursor: string | null,
): AsyncIterable<SourcePage> {
  let next = cursor;
  for (;;) {
    const params = new URLSearchParams({ ...options.query, limit: String(Math.min(100, context.pageSize)) });
    if (next) {
      // A cursor saved before `cursor:` paging existed has no prefix: it is an `after`.
      const [, name = 'after', value = next] = /^(after|cursor):(.*)$/s.exec(next) ?? [];
      params.set(name, value);
    }
    const url = `${options.apiBase}/search/products/?${params}`;
    const body = await fetchJson(context, url);
    const items = isRecord(body) ? (body.objects ?? body.products) : undefined;
    if (!isRecord(body) || !Array.isArray(items)) {
      throw new MalformedPageError(
        `${url}: expected { objects: [...] } or { products: [...] } (Depop search), found ${keysOf(body)}`,
      );
    }
    next = nextSearchCursor(body, url);
    const total = isRecord(body.meta) && typeof body.meta.total_count === 'number' ? body.meta.total_count : undefined;
    const page: SourcePage = { records: recordsOf(items, url), next };
    yield total === undefined ? page : { ...page, total };
    if (!next || items.length === 0) return;
  }
}

/** A shop's products: `{ meta: { end, last_offset_id }, products }`, paged by `offset_id`. */
async function* shopPages(
  context: SourceContext,
  options: { apiBase: string; shopId: string },
  cursor: string | null,
): AsyncIterable<SourcePage> {
  let offset = cursor;
  for (;;) {
    const params = new URLSearchParams({ limit: String(Math.min(200, context.pageSize)) });
    if (offset) params.set('offset_id', offset);
    const url = `${options.apiBase}/shop/${encodeURIComponent(options.shopId)}/products/?${params}`;
    const body = await fetchJson(context, url);
    if (!isRecord(body) || !Array.isArray(body.products)) {
      throw new MalformedPageError(`${url}: expected { products: [...] } (Depop shop products), found ${keysOf(body)}`);
    }
    const meta = isRecord(body.meta) ? body.meta : {};
    const last = meta.last_offset_id;
    const more = meta.end === false && body.products.length > 0;
    if (more && typeof last !== 'string' && typeof last !== 'number')
      throw new MalformedPageError(`${url}: meta.end is false but meta.last_offset_id is ${describe(last)}`);
    offset = more ? String(last) : null;
    yield { records: recordsOf(body.products, url), next: offset };
    if (!offset) return;
  }
}

/** Depop through the JSON its web client reads: a search, or one seller's shop. */
export function depopSource(options: DepopOptions): SourceAdapter {
  const apiBase = options.apiBase.replace(/\/+$/, '');
  const webBase = options.webBase ?? 'https://www.depop.com';
  const query = options.query ?? {};
  const seed = options.shopId ? `shop:${options.shopId}` : new URLSearchParams(Object.entries(query).sort()).toString();
  return {
    source: 'depop',
    stateKey: `depop|${apiBase}|${seed}`,
    normalize: (payload) => normalizeDepop(payload, webBase),
    pages: (context, cursor) =>
      options.shopId
        ? shopPages(context, { apiBase, shopId: options.shopId }, cursor)
        : searchPages(context, { apiBase, query }, cursor),
  };
}

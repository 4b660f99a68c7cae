import type { Condition, ListingStatus } from '@find-this-fit/sdk';
import * as cheerio from 'cheerio';
import { parseSitemapBody } from '../extract/sitemap.js';
import { type SitemapReport, walkSitemaps } from '../extract/sitemap-walk.js';
import { describe, isRecord, moneyFrom, objectAt, optionalString, requiredString, requiredUrl } from './fields.js';
import {
  type NormalizedListing,
  NormalizeError,
  type RawRecord,
  type SourceAdapter,
  type SourcePage,
} from './types.js';

/** A child sitemap that could not be read, as the error of a record (its class name is the summary's reason). */
function sitemapFailure(report: SitemapReport): Error {
  if (report.cause) return report.cause;
  const error = new Error(report.error ?? 'sitemap not read');
  error.name = report.errorName ?? 'SitemapError';
  return error;
}

export interface JsonLdOptions {
  /** The shop's sitemap (a `<urlset>` or a `<sitemapindex>`), e.g. `https://shop.example/sitemap.xml`. */
  sitemapUrl: string;
  /** Only product pages whose URL matches (default: every URL in the sitemap). */
  include?: RegExp;
  /** `source` of its listings; default `jsonld:<host>`. */
  name?: string;
}

const AVAILABLE = new Set([
  'instock',
  'instoreonly',
  'onlineonly',
  'limitedavailability',
  'preorder',
  'presale',
  'backorder',
]);
const GONE = new Set(['outofstock', 'soldout', 'discontinued']);
const CONDITIONS: Record<string, Condition> = {
  newcondition: 'new',
  usedcondition: 'good',
  refurbishedcondition: 'good',
  damagedcondition: 'poor',
};

/** `https://schema.org/InStock`, `http://schema.org/InStock`, `schema:InStock`, `InStock` → `instock`. */
const schemaTerm = (value: string): string =>
  value
    .trim()
    .replace(/^(https?:\/\/schema\.org\/|schema:)/i, '')
    .toLowerCase();

const isProduct = (node: unknown): node is Record<string, unknown> =>
  isRecord(node) &&
  (node['@type'] === 'Product' || (Array.isArray(node['@type']) && node['@type'].includes('Product')));

/**
 * The schema.org `Product` in a page's `<script type="application/ld+json">` blocks (also inside `@graph`).
 * Pure. @throws {NormalizeError} when there is none or a block is not JSON.
 */
export function extractJsonLdProduct(html: string): Record<string, unknown> {
  const $ = cheerio.load(html);
  const blocks = $('script[type="application/ld+json"]');
  if (blocks.length === 0)
    throw new NormalizeError('script[type="application/ld+json"]', 'no JSON-LD block in the page');
  const errors: string[] = [];
  for (const element of blocks.toArray()) {
    let data: unknown;
    try {
      data = JSON.parse($(element).text());
    } catch (error) {
      errors.push((error as Error).message);
      continue;
    }
    const candidates = Array.isArray(data)
      ? data
      : isRecord(data) && Array.isArray(data['@graph'])
        ? data['@graph']
        : [data];
    const product = candidates.find(isProduct);
    if (product) return product;
  }
  if (errors.length > 0) throw new NormalizeError('ld+json', `a JSON-LD block is not valid JSON (${errors[0]})`);
  throw new NormalizeError('@type', 'no schema.org Product in the JSON-LD blocks');
}

function imageOf(value: unknown, base: string): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (isRecord(first)) return requiredUrl(first.url ?? first.contentUrl, 'image.url', base);
  return requiredUrl(first, 'image', base);
}

/** A schema.org Product → listing. Pure. `pageUrl` resolves relative URLs and is the fallback `url`. */
export function normalizeJsonLdProduct(payload: unknown, pageUrl: string, source: string): NormalizedListing {
  const product = objectAt(payload, 'Product');
  const title = requiredString(product, 'name', 'name');
  const offersRaw = Array.isArray(product.offers) ? product.offers[0] : product.offers;
  const offers = objectAt(offersRaw, 'offers');
  const amount = offers.price ?? offers.lowPrice;
  const price = moneyFrom(amount, offers.priceCurrency, 'offers.price', 'offers.priceCurrency');
  const availability = requiredString(offers, 'availability', 'offers.availability');
  const term = schemaTerm(availability);
  let status: ListingStatus;
  if (AVAILABLE.has(term)) status = 'active';
  else if (GONE.has(term)) status = 'sold';
  else throw new NormalizeError('offers.availability', `unknown availability "${availability}"`);

  const conditionRaw =
    optionalString(offers, 'itemCondition', 'offers.itemCondition') ??
    optionalString(product, 'itemCondition', 'itemCondition');
  const condition = conditionRaw ? (CONDITIONS[schemaTerm(conditionRaw)] ?? null) : null;
  const brand = isRecord(product.brand)
    ? optionalString(product.brand, 'name', 'brand.name')
    : optionalString(product, 'brand', 'brand');
  const externalId =
    optionalString(product, 'sku', 'sku') ?? optionalString(product, 'productID', 'productID') ?? pageUrl;
  const url = product.url === undefined ? pageUrl : requiredUrl(product.url, 'url', pageUrl);
  const imageUrl = product.image === undefined ? requiredUrl(undefined, 'image') : imageOf(product.image, pageUrl);
  return {
    source,
    externalId,
    title,
    description: optionalString(product, 'description', 'description'),
    brand,
    size: typeof product.size === 'string' ? product.size : null,
    category: typeof product.category === 'string' ? product.category : null,
    condition,
    conditionRaw,
    price,
    url: new URL(url, pageUrl).href,
    appUrl: null,
    imageUrl: new URL(imageUrl, pageUrl).href,
    status,
  };
}

/** `<loc>` entries of a sitemap, and whether it is an index of further sitemaps. Pure. @throws {SitemapError} */
export function parseSitemap(xml: string | Buffer): { index: boolean; urls: string[] } {
  const parsed = parseSitemapBody(xml);
  return { index: parsed.kind === 'sitemapindex', urls: parsed.entries.map((e) => e.loc) };
}

/** A shop publishing schema.org Product JSON-LD, discovered from its sitemap. The cursor is an index into it. */
export function jsonLdSource(options: JsonLdOptions): SourceAdapter {
  const source = options.name ?? `jsonld:${new URL(options.sitemapUrl).host}`;
  return {
    source,
    stateKey: `jsonld|${options.sitemapUrl}|${options.include?.source ?? ''}`,
    normalize: (payload) => {
      const page = objectAt(payload, 'page');
      const pageUrl = requiredUrl(page.url, 'page.url');
      if (typeof page.html !== 'string')
        throw new NormalizeError('page.html', `expected HTML text, got ${describe(page.html)}`);
      return normalizeJsonLdProduct(extractJsonLdProduct(page.html), pageUrl, source);
    },
    async *pages(context, cursor): AsyncIterable<SourcePage> {
      const signal = context.signal ? { signal: context.signal } : {};
      // Sitemaps are small; read them all, each child of an index on its own: a broken child is reported as a
      // failed record (once, on the first page) and the others are read.
      const walk = await walkSitemaps(context.fetcher, options.sitemapUrl, signal);
      const urls = walk.pages.map((p) => p.loc);
      const broken = walk.sitemaps.filter((s) => s.status === 'failed');
      for (const s of broken) context.logger.warn({ sitemap: s.url, err: s.error }, 'child sitemap skipped');
      const sitemapFailures = cursor ? [] : broken.map((s) => ({ ref: s.url, error: sitemapFailure(s) }));
      const wanted = options.include ? urls.filter((u) => options.include?.test(u)) : urls;
      for (let start = cursor ? Number(cursor) : 0; start < wanted.length; start += context.pageSize) {
        const chunk = wanted.slice(start, start + context.pageSize);
        const records: RawRecord[] = start === 0 ? sitemapFailures.splice(0) : [];
        for (const url of chunk) {
          try {
            const response = await context.fetcher.fetch(url, { accept: 'text/html', ...signal });
            records.push({ ref: url, payload: { url: response.url, html: response.body.toString('utf8') } });
          } catch (error) {
            if (context.signal?.aborted) throw error;
            records.push({ ref: url, error: error as Error });
          }
        }
        const end = start + chunk.length;
        yield { records, next: end < wanted.length ? String(end) : null, total: wanted.length };
      }
      if (sitemapFailures.length > 0) yield { records: sitemapFailures, next: null, total: 0 };
    },
  };
}

import { jsonLdNodes, pickProduct } from '../extract/jsonld-blocks.js';
import { microdataItems } from '../extract/microdata.js';
import { normalizeProductNode } from '../extract/product.js';
import { parseSitemapBody } from '../extract/sitemap.js';
import { type SitemapReport, walkSitemaps } from '../extract/sitemap-walk.js';
import { describe, objectAt, requiredUrl } from './fields.js';
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

/**
 * The schema.org `Product` (or `ProductGroup`, with its variants gathered) in a page's JSON-LD: every
 * `<script type="application/ld+json">` block, comment/CDATA wrappers removed, arrays, `@graph`, the `mainEntity`
 * of a `WebPage`/`ItemPage`. Pure. @throws {NormalizeError} when there is none (naming why: no block, not JSON, no
 * Product).
 */
export function extractJsonLdProduct(html: string): Record<string, unknown> {
  const found = jsonLdNodes(html);
  if (found.blocks === 0)
    throw new NormalizeError('script[type="application/ld+json"]', 'no JSON-LD block in the page');
  const product = pickProduct(found.nodes);
  if (product) return product;
  if (found.errors.length > 0)
    throw new NormalizeError('ld+json', `a JSON-LD block is not valid JSON (${found.errors[0]})`);
  throw new NormalizeError('@type', 'no schema.org Product in the JSON-LD blocks');
}

/** The product of a page: from JSON-LD, else from microdata (`itemprop`), which many small shops only have. */
export function extractPageProduct(html: string): { via: 'json-ld' | 'microdata'; product: Record<string, unknown> } {
  let jsonLdError: NormalizeError;
  try {
    return { via: 'json-ld', product: extractJsonLdProduct(html) };
  } catch (error) {
    if (!(error instanceof NormalizeError)) throw error;
    jsonLdError = error;
  }
  const product = pickProduct(microdataItems(html));
  if (product) return { via: 'microdata', product };
  throw new NormalizeError(
    jsonLdError.field,
    `${jsonLdError.message.replace(/^[^:]*: /, '')}, and no microdata Product`,
  );
}

/** A schema.org Product or ProductGroup → listing. Pure. `pageUrl` resolves relative URLs and is the fallback `url`. */
export function normalizeJsonLdProduct(payload: unknown, pageUrl: string, source: string): NormalizedListing {
  return normalizeProductNode(objectAt(payload, 'Product'), pageUrl, source);
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
      return normalizeJsonLdProduct(extractPageProduct(page.html).product, pageUrl, source);
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

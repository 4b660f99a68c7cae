import { jsonLdNodes } from './extract/jsonld-blocks.js';
import { microdataItems } from './extract/microdata.js';
import { listOf } from './extract/schema-org.js';
import { isGzip, parseSitemapBody, type SitemapEntry, SitemapError, sitemapText } from './extract/sitemap.js';
import { type SitemapReport, walkSitemaps } from './extract/sitemap-walk.js';
import type { FetchResult } from './fetcher/polite-fetcher.js';
import { formatMoney, isRecord } from './sources/fields.js';
import { extractPageProduct, normalizeJsonLdProduct } from './sources/jsonld.js';
import { normalizeShopify } from './sources/shopify.js';
import { type NormalizedListing, NormalizeError, type PageFetcher } from './sources/types.js';

/** What `ftf-ingest inspect` needs of the fetcher: polite GETs and the robots.txt verdict. */
export type InspectFetcher = PageFetcher & { isAllowed(url: string): Promise<boolean> };

export interface InspectOptions {
  /** Currency of a Shopify store's prices (products.json does not say); default `XXX` (ISO 4217 "no currency"). */
  currency?: string;
  /** Child sitemaps of an index to read (each one request); the rest are listed as not read. Default 20. */
  maxChildren?: number;
  signal?: AbortSignal;
}

export type InspectKind = 'product-page' | 'shopify-products' | 'sitemap' | 'sitemap-index' | 'unknown';

interface Skip {
  ref: string;
  field: string;
  reason: string;
}

export interface InspectReport {
  url: string;
  robots: 'allowed' | 'disallowed';
  /** Set when the URL could not be fetched (robots, HTTP status, address guard, size…). */
  error?: string;
  response?: { url: string; status: number; contentType: string | null; bytes: number; gzip: boolean };
  kind?: InspectKind;
  /** Product page: what the JSON-LD source (with its microdata fallback) would store, or why it would skip it. */
  page?: {
    jsonLd: { blocks: number; types: string[]; errors: string[] };
    microdataItems: number;
    via: 'json-ld' | 'microdata' | null;
    listing: NormalizedListing | null;
    skip: Skip | null;
  };
  /** Shopify products.json: each product's listing or skip reason. */
  shopify?: { products: number; currency: string; listings: NormalizedListing[]; skipped: Skip[] };
  sitemap?: {
    kind: 'urlset' | 'sitemapindex';
    entries: number;
    warnings: string[];
    /** The first few entries with their `<lastmod>`. */
    sample: SitemapEntry[];
    withLastmod: number;
    /** An index's children: each read on its own, with its status. */
    children?: Array<Pick<SitemapReport, 'url' | 'status' | 'kind' | 'entries' | 'error'>>;
    /** Pages an index's readable children list. */
    pages?: number;
  };
}

const SAMPLE = 5;

const skipOf = (ref: string, error: unknown): Skip => {
  if (error instanceof NormalizeError) return { ref, field: error.field, reason: error.message };
  throw error;
};

function detect(response: FetchResult): InspectKind {
  if (isGzip(response.body)) return 'sitemap';
  const head = response.body
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/<sitemapindex[\s>]/.test(head)) return 'sitemap-index';
  if (/<urlset[\s>]/.test(head)) return 'sitemap';
  if (head.startsWith('{') || head.startsWith('[')) return 'shopify-products';
  if (/^<(!doctype html|html|head|body|div|script|meta)/i.test(head) || /text\/html/i.test(response.contentType ?? ''))
    return 'product-page';
  return 'unknown';
}

function inspectPage(url: string, html: string): NonNullable<InspectReport['page']> {
  const found = jsonLdNodes(html);
  const report: NonNullable<InspectReport['page']> = {
    jsonLd: {
      blocks: found.blocks,
      types: [
        ...new Set(found.nodes.flatMap((n) => listOf(n['@type']).filter((t) => typeof t === 'string'))),
      ] as string[],
      errors: found.errors,
    },
    microdataItems: microdataItems(html).length,
    via: null,
    listing: null,
    skip: null,
  };
  try {
    const { via, product } = extractPageProduct(html);
    report.via = via;
    report.listing = normalizeJsonLdProduct(product, url, `jsonld:${new URL(url).host}`);
  } catch (error) {
    report.skip = skipOf(url, error);
  }
  return report;
}

function inspectShopify(url: string, body: Buffer, currency: string): NonNullable<InspectReport['shopify']> {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new NormalizeError('products.json', `not JSON (${(error as Error).message})`);
  }
  if (!isRecord(data) || !Array.isArray(data.products))
    throw new NormalizeError('products', 'expected { products: [...] } (a Shopify /products.json)');
  // The store is what comes before /products.json (a collection's feed keeps its product URLs on the store).
  const storeUrl = url.replace(/\/(collections\/[^/]+\/)?products\.json(\?.*)?$/, '') || new URL(url).origin;
  const listings: NormalizedListing[] = [];
  const skipped: Skip[] = [];
  data.products.forEach((product, i) => {
    const ref = isRecord(product) && product.id !== undefined ? String(product.id) : `products[${i}]`;
    try {
      listings.push(normalizeShopify(product, { storeUrl, currency }));
    } catch (error) {
      skipped.push(skipOf(ref, error));
    }
  });
  return { products: data.products.length, currency, listings, skipped };
}

async function inspectSitemap(
  fetcher: InspectFetcher,
  url: string,
  body: Buffer,
  options: InspectOptions,
): Promise<NonNullable<InspectReport['sitemap']>> {
  const parsed = parseSitemapBody(sitemapText(body), url);
  const report: NonNullable<InspectReport['sitemap']> = {
    kind: parsed.kind,
    entries: parsed.entries.length,
    warnings: parsed.warnings,
    sample: parsed.entries.slice(0, SAMPLE),
    withLastmod: parsed.entries.filter((e) => e.lastmod).length,
  };
  if (parsed.kind === 'sitemapindex') {
    // Read again through the walker so each child is fetched and judged exactly as a run would.
    const walk = await walkSitemaps(fetcher, url, {
      maxSitemaps: 1 + (options.maxChildren ?? 20),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    report.children = walk.sitemaps.slice(1).map(({ url: child, status, kind, entries, error }) => ({
      url: child,
      status,
      ...(kind ? { kind } : {}),
      ...(entries !== undefined ? { entries } : {}),
      ...(error ? { error } : {}),
    }));
    report.pages = walk.pages.length;
  }
  return report;
}

/**
 * Fetches one URL politely (robots.txt first) and reports what ingest would extract from it: a product page's
 * listing (JSON-LD, else microdata) or skip reason, a Shopify products.json's listings, a sitemap's entries and
 * `<lastmod>`s, an index's children and their status. Writes nothing.
 */
export async function inspectUrl(
  fetcher: InspectFetcher,
  url: string,
  options: InspectOptions = {},
): Promise<InspectReport> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InspectUsageError(`not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InspectUsageError(`only http(s) URLs can be inspected, got "${url}"`);
  const currency = (options.currency ?? 'XXX').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new InspectUsageError(`--currency expects an ISO 4217 code, got "${currency}"`);

  const report: InspectReport = {
    url: parsed.href,
    robots: (await fetcher.isAllowed(parsed.href)) ? 'allowed' : 'disallowed',
  };
  if (report.robots === 'disallowed') {
    report.error = 'robots.txt disallows this URL for our user agent: nothing fetched';
    return report;
  }
  let response: FetchResult;
  try {
    response = await fetcher.fetch(parsed.href, {
      accept: 'text/html, application/json, application/xml;q=0.9, */*;q=0.5',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    report.error = (error as Error).message;
    return report;
  }
  report.response = {
    url: response.url,
    status: response.status,
    contentType: response.contentType ?? null,
    bytes: response.body.length,
    gzip: isGzip(response.body),
  };
  report.kind = detect(response);
  try {
    if (report.kind === 'product-page') report.page = inspectPage(response.url, response.body.toString('utf8'));
    else if (report.kind === 'shopify-products') report.shopify = inspectShopify(response.url, response.body, currency);
    else if (report.kind === 'sitemap' || report.kind === 'sitemap-index') {
      report.sitemap = await inspectSitemap(fetcher, response.url, response.body, options);
      report.kind = report.sitemap?.kind === 'sitemapindex' ? 'sitemap-index' : 'sitemap';
    }
  } catch (error) {
    if (!(error instanceof NormalizeError) && !(error instanceof SitemapError)) throw error;
    report.error = error.message;
  }
  return report;
}

/** A bad argument to `inspect` (exit status 2). */
export class InspectUsageError extends Error {
  override name = 'InspectUsageError';
}

function listingLines(listing: NormalizedListing, indent: string): string[] {
  const fields: Array<[string, unknown]> = [
    ['title', listing.title],
    ['externalId', listing.externalId],
    ['status', listing.status],
    ['price', listing.price ? formatMoney(listing.price) : null],
    ['url', listing.url],
    ['imageUrl', listing.imageUrl],
    ['brand', listing.brand],
    ['size', listing.size],
    ['category', listing.category],
    ['condition', listing.condition ? `${listing.condition} (${listing.conditionRaw})` : listing.conditionRaw],
    [
      'description',
      listing.description ? `${listing.description.slice(0, 117)}${listing.description.length > 117 ? '…' : ''}` : null,
    ],
  ];
  return fields.map(([k, v]) => `${indent}${k.padEnd(12)} ${v ?? '—'}`);
}

/** The report for a person: one screen, the same facts as `--json`. */
export function formatInspectReport(report: InspectReport): string {
  const lines = [`${report.url}`, `  robots.txt   ${report.robots}`];
  if (report.response) {
    const r = report.response;
    lines.push(
      `  response     ${r.status} ${r.contentType ?? '(no content type)'}, ${r.bytes} bytes${r.gzip ? ', gzip' : ''}${r.url !== report.url ? ` (from ${r.url})` : ''}`,
    );
  }
  if (report.kind) lines.push(`  kind         ${report.kind}`);
  if (report.page) {
    const p = report.page;
    lines.push(
      `  JSON-LD      ${p.jsonLd.blocks} block(s)${p.jsonLd.types.length ? `: ${p.jsonLd.types.join(', ')}` : ''}${p.jsonLd.errors.length ? `; not JSON: ${p.jsonLd.errors.join('; ')}` : ''}`,
      `  microdata    ${p.microdataItems} item(s)`,
    );
    if (p.listing) lines.push(`  listing (via ${p.via})`, ...listingLines(p.listing, '    '));
    if (p.skip) lines.push(`  skipped      ${p.skip.reason}`);
  }
  if (report.shopify) {
    const s = report.shopify;
    lines.push(
      `  products     ${s.products} (${s.listings.length} listings, ${s.skipped.length} skipped; prices read as ${s.currency}${s.currency === 'XXX' ? ', pass --currency' : ''})`,
    );
    s.listings.forEach((l, i) => {
      lines.push(`  [${i + 1}]`, ...listingLines(l, '    '));
    });
    for (const skip of s.skipped) lines.push(`  skipped ${skip.ref}: ${skip.reason}`);
  }
  if (report.sitemap) {
    const s = report.sitemap;
    lines.push(`  entries      ${s.entries} (${s.withLastmod} with <lastmod>)`);
    for (const w of s.warnings) lines.push(`  warning      ${w}`);
    for (const e of s.sample) lines.push(`    ${e.loc}  ${e.lastmod ?? '(no lastmod)'}`);
    if (s.entries > s.sample.length) lines.push(`    … ${s.entries - s.sample.length} more`);
    if (s.children) {
      lines.push(`  children     ${s.children.length} (pages listed by the readable ones: ${s.pages ?? 0})`);
      for (const c of s.children)
        lines.push(
          `    ${c.status === 'ok' ? 'ok    ' : 'FAILED'} ${c.url}${c.status === 'ok' ? `  ${c.kind} ${c.entries} entries` : `  ${c.error}`}`,
        );
    }
  }
  if (report.error) lines.push(`  error        ${report.error}`);
  return lines.join('\n');
}

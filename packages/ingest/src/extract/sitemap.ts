import { gunzipSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import type { AnyNode, Element, Text } from 'domhandler';

/** sitemaps.org limits per sitemap file: 50 000 URLs and 50 MB (52 428 800 bytes) uncompressed. */
export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_BYTES = 52_428_800;

/** A body that is not a readable sitemap (not XML of one, a gzip that does not inflate, over the size limit). */
export class SitemapError extends Error {
  override name = 'SitemapError';
}

export interface SitemapEntry {
  /** Absolute http(s) URL (a relative `<loc>` is resolved against the sitemap's own URL). */
  loc: string;
  /** `<lastmod>` as written (W3C Datetime), or null when absent. */
  lastmod: string | null;
}

export interface ParsedSitemap {
  kind: 'urlset' | 'sitemapindex';
  /** Pages (`urlset`) or child sitemaps (`sitemapindex`), in document order, at most `SITEMAP_MAX_URLS`. */
  entries: SitemapEntry[];
  /** Why some entries were left out (not http(s), beyond the URL limit); empty when none were. */
  warnings: string[];
}

/** Gzip is decided by the magic bytes 1f 8b: servers label `.xml.gz` as gzip, octet-stream or even XML. */
export const isGzip = (body: Uint8Array): boolean => body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;

/** The XML text of a sitemap body, inflated when gzipped, never more than `maxBytes` (a gzip bomb stops there). */
export function sitemapText(body: Buffer, maxBytes = SITEMAP_MAX_BYTES): string {
  let xml: Buffer = body;
  if (isGzip(body)) {
    try {
      xml = gunzipSync(body, { maxOutputLength: maxBytes + 1 });
    } catch (error) {
      const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new SitemapError(
        tooBig
          ? `gzipped sitemap inflates past ${maxBytes} bytes (the sitemaps.org limit per file)`
          : `gzipped sitemap does not inflate: ${(error as Error).message}`,
      );
    }
  }
  if (xml.length > maxBytes)
    throw new SitemapError(`sitemap is over ${maxBytes} bytes uncompressed (sitemaps.org limit)`);
  return xml.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * A sitemap `<urlset>` or `<sitemapindex>` (plain or gzipped bytes) → its entries with `<lastmod>`. Pure.
 * Tolerant where the protocol allows: entries without `<loc>` or with a non-http(s) one are dropped with a warning,
 * past 50 000 entries the rest are dropped with a warning. @throws {SitemapError} when it is no sitemap at all.
 */
export function parseSitemapBody(body: Buffer | string, sitemapUrl?: string): ParsedSitemap {
  const xml = typeof body === 'string' ? body : sitemapText(body);
  const $ = cheerio.load(xml, { xml: true });
  // The root by its local name: generators that write the sitemap namespace with a prefix (Python's ElementTree:
  // <ns0:urlset xmlns:ns0="http://www.sitemaps.org/schemas/sitemap/0.9">) use that prefix on every element.
  const root = $.root()
    .children()
    .toArray()
    .find((node) => ['urlset', 'sitemapindex'].includes(localName(node.name)));
  if (!root) throw new SitemapError('not a sitemap: no <urlset> or <sitemapindex>');
  const kind = localName(root.name) as ParsedSitemap['kind'];
  const prefix = root.name.slice(0, root.name.length - kind.length);
  const item = `${prefix}${kind === 'sitemapindex' ? 'sitemap' : 'url'}`;
  const entries: SitemapEntry[] = [];
  const warnings: string[] = [];
  let dropped = 0;
  let over = 0;
  const items = root.children.filter((c): c is Element => c.type === 'tag' && (c as Element).name === item);
  for (const element of items) {
    // Plain DOM walking: cheerio wrappers per entry cost seconds on a 50 000-entry file.
    const rawLoc = childText(element, `${prefix}loc`);
    const loc = absoluteHttpUrl(rawLoc, sitemapUrl);
    if (!loc) {
      dropped++;
      continue;
    }
    if (entries.length >= SITEMAP_MAX_URLS) {
      over++;
      continue;
    }
    entries.push({ loc, lastmod: childText(element, `${prefix}lastmod`) || null });
  }
  if (dropped > 0) warnings.push(`${dropped} <${item}> without an http(s) <loc> left out`);
  if (over > 0) warnings.push(`${over} entries past the sitemaps.org limit of ${SITEMAP_MAX_URLS} left out`);
  return { kind, entries, warnings };
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Text (CDATA included) of an element, entities already decoded by the parser. */
function textContent(node: AnyNode): string {
  if (node.type === 'text') return (node as Text).data;
  return 'children' in node ? (node as Element).children.map(textContent).join('') : '';
}

/** Trimmed text of the first child element named `name`, or ''. */
function childText(element: Element, name: string): string {
  const child = element.children.find((c): c is Element => c.type === 'tag' && (c as Element).name === name);
  return child ? textContent(child).trim() : '';
}

function absoluteHttpUrl(value: string, base: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

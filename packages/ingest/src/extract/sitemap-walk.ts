import type { PageFetcher } from '../sources/types.js';
import { parseSitemapBody, type SitemapEntry, SitemapError } from './sitemap.js';

/** What happened to one sitemap file of a walk. */
export interface SitemapReport {
  url: string;
  /** `ok`, or `failed` with the reason (fetch error, not a sitemap, over a limit). */
  status: 'ok' | 'failed';
  kind?: 'urlset' | 'sitemapindex';
  /** Entries it listed (pages or child sitemaps). */
  entries?: number;
  warnings?: string[];
  error?: string;
  /** Name of the error (`SitemapError`, a fetch error's class), for run summaries. */
  errorName?: string;
  cause?: Error;
}

export interface SitemapWalk {
  /** Every page listed by the readable sitemaps, first occurrence wins, in document order. */
  pages: SitemapEntry[];
  /** Every sitemap read or tried: the root first, then children in index order. */
  sitemaps: SitemapReport[];
}

/** An index nests no further per sitemaps.org; a few levels are tolerated, never loops or unbounded fan-out. */
const MAX_DEPTH = 3;
const MAX_SITEMAPS = 1000;

/**
 * Reads a sitemap and, for an index, each child independently: a child that cannot be fetched or is not a
 * sitemap is reported and skipped, never stops the others. Only the root failing throws (nothing to read then).
 */
export async function walkSitemaps(
  fetcher: PageFetcher,
  rootUrl: string,
  options: { signal?: AbortSignal; maxSitemaps?: number } = {},
): Promise<SitemapWalk> {
  const maxSitemaps = options.maxSitemaps ?? MAX_SITEMAPS;
  const pages: SitemapEntry[] = [];
  const seenPages = new Set<string>();
  const sitemaps: SitemapReport[] = [];
  const visited = new Set<string>();
  const queue: { url: string; depth: number }[] = [{ url: rootUrl, depth: 0 }];
  while (queue.length > 0) {
    const { url, depth } = queue.shift() as { url: string; depth: number };
    if (visited.has(url)) continue;
    visited.add(url);
    if (visited.size > maxSitemaps) {
      sitemaps.push({
        url,
        status: 'failed',
        error: `more than ${maxSitemaps} sitemaps: not read`,
        errorName: 'SitemapError',
      });
      continue;
    }
    try {
      const response = await fetcher.fetch(url, {
        accept: 'application/xml, text/xml, application/x-gzip;q=0.9, */*;q=0.5',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const parsed = parseSitemapBody(response.body, response.url);
      if (parsed.kind === 'sitemapindex' && depth >= MAX_DEPTH)
        throw new SitemapError(`sitemap index nested deeper than ${MAX_DEPTH} levels: not followed`);
      sitemaps.push({
        url,
        status: 'ok',
        kind: parsed.kind,
        entries: parsed.entries.length,
        warnings: parsed.warnings,
      });
      if (parsed.kind === 'sitemapindex') {
        queue.push(...parsed.entries.map((e) => ({ url: e.loc, depth: depth + 1 })));
      } else {
        for (const entry of parsed.entries) {
          if (seenPages.has(entry.loc)) continue;
          seenPages.add(entry.loc);
          pages.push(entry);
        }
      }
    } catch (error) {
      if (options.signal?.aborted || depth === 0) throw error;
      const cause = error as Error;
      sitemaps.push({ url, status: 'failed', error: cause.message, errorName: cause.name, cause });
    }
  }
  return { pages, sitemaps };
}

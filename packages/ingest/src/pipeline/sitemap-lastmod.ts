import { parseSitemapBody, sitemapText } from '../extract/sitemap.js';

/**
 * `<loc>` → `<lastmod>` of a sitemap `<urlset>` (gzipped or not), for entries that have both; empty for anything
 * else (an index, a page that is no sitemap, a body over the limits). Only what re-crawls need to skip unchanged
 * pages; the one sitemap parser is `parseSitemapBody`.
 */
export function sitemapLastmods(body: Buffer, sitemapUrl?: string): Map<string, string> {
  const found = new Map<string, string>();
  let parsed: ReturnType<typeof parseSitemapBody>;
  try {
    // Every page and feed passes here: only what starts like a url set is parsed.
    const xml = sitemapText(body);
    if (!/<urlset[\s>]/.test(xml.slice(0, 4096))) return found;
    parsed = parseSitemapBody(xml, sitemapUrl);
  } catch {
    return found;
  }
  if (parsed.kind !== 'urlset') return found;
  for (const { loc, lastmod } of parsed.entries) if (lastmod) found.set(loc, lastmod);
  return found;
}

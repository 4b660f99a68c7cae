import { gunzipSync } from 'node:zlib';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const text = (raw: string): string =>
  raw
    .replace(/^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/, '$1')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '')
    .trim();

/**
 * `<loc>` → `<lastmod>` of a sitemap `<urlset>` (gzipped or not), for entries that have both; empty for anything
 * else. Only what re-crawls need to skip unchanged pages: the sources parse sitemaps themselves.
 */
export function sitemapLastmods(body: Buffer): Map<string, string> {
  const found = new Map<string, string>();
  let xml: string;
  try {
    xml = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
  } catch {
    return found;
  }
  if (!/<urlset[\s>]/.test(xml.slice(0, 4096))) return found;
  for (const [, entry = ''] of xml.matchAll(/<url>([\s\S]*?)<\/url>/g)) {
    const loc = /<loc>([\s\S]*?)<\/loc>/.exec(entry)?.[1];
    const lastmod = /<lastmod>([\s\S]*?)<\/lastmod>/.exec(entry)?.[1];
    if (loc && lastmod) found.set(text(loc), text(lastmod));
  }
  return found;
}

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevalidatingFetcher } from '../src/pipeline/revalidating-fetcher.js';
import { sitemapLastmods } from '../src/pipeline/sitemap-lastmod.js';
import { BodyStore } from '../src/state/body-store.js';
import { StateStore } from '../src/state/state-store.js';
import { testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';
import { tempDir } from './helpers/stack.js';

// A tiny site: a gzipped url set with <lastmod>, two product pages, a JSON feed; strong ETags, 304s.
const pages: Record<string, string> = {
  '/p/1': '<html>one</html>',
  '/p/2': '<html>two</html>',
  '/feed.json': '{"products":[]}',
};
const lastmod: Record<string, string> = { '/p/1': '2026-11-01T10:00:00Z', '/p/2': '2026-11-01T10:00:00Z' };
let server: Awaited<ReturnType<typeof scriptedServer>>;
let robots = '';
const dir = tempDir('ftf-revalidate-');

const etag = (body: Buffer) => `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
function sitemap(): Buffer {
  const urls = Object.keys(lastmod)
    .map((p) => `<url><loc>${server.url}${p}</loc><lastmod>${lastmod[p]}</lastmod></url>`)
    .join('');
  return gzipSync(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
}

beforeAll(async () => {
  server = await scriptedServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt') return robots ? res.writeHead(200).end(robots) : res.writeHead(404).end();
    const body = path === '/sitemap-1.xml.gz' ? sitemap() : pages[path] ? Buffer.from(pages[path]) : undefined;
    if (!body) return res.writeHead(404).end();
    const tag = etag(body);
    if (req.headers['if-none-match'] === tag) return res.writeHead(304, { etag: tag }).end();
    res.writeHead(200, { etag: tag, 'content-type': 'text/plain' }).end(body);
  });
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

/** One "run": a fresh fetcher over the same state folder, as the next `ftf-ingest run` would have. */
async function crawl(paths: string[], options: { confirm?: string[]; fresh?: string[] } = {}) {
  const contentTypes: Record<string, string | undefined> = {};
  const state = StateStore.open(dir.path);
  const { fetcher } = testFetcher();
  const layer = new RevalidatingFetcher(fetcher, state, new BodyStore(dir.path));
  const bodies: Record<string, string> = {};
  try {
    for (const path of paths) {
      const fresh = options.fresh?.includes(path) ? { fresh: true } : {};
      const result = await layer.fetch(server.url + path, { accept: 'text/html', ...fresh });
      bodies[path] = path.endsWith('.gz') ? 'sitemap' : result.body.toString();
      contentTypes[path] = result.contentType;
    }
    for (const path of options.confirm ?? []) layer.confirm(server.url + path);
    state.commit();
  } finally {
    state.close();
    await fetcher.close();
  }
  return { bodies, contentTypes, stats: { ...layer.stats } };
}

const requested = (from: number) =>
  server.seen.slice(from).map((s) => [s.path, s.headers['if-none-match'] ? 'conditional' : 'plain']);

describe('re-crawls revalidate pages and feeds', () => {
  it('reads <lastmod> from a gzipped url set', () => {
    expect([...sitemapLastmods(sitemap())]).toEqual([
      [`${server.url}/p/1`, '2026-11-01T10:00:00Z'],
      [`${server.url}/p/2`, '2026-11-01T10:00:00Z'],
    ]);
    expect(sitemapLastmods(Buffer.from('<html>not a sitemap</html>')).size).toBe(0);
  });

  it('first run: plain GETs; second run: conditional GETs answered from the store, unchanged <lastmod> skipped', async () => {
    const all = ['/sitemap-1.xml.gz', '/p/1', '/p/2', '/feed.json'];
    const first = await crawl(all, { confirm: ['/p/1', '/p/2'] });
    expect(first.bodies['/p/1']).toBe('<html>one</html>');
    expect(requested(0).filter(([p]) => p !== '/robots.txt')).toEqual(all.map((p) => [p, 'plain']));

    const before = server.seen.length;
    const second = await crawl(all);
    // Pages read from the store are byte-for-byte what the first run read.
    expect(second.bodies).toEqual(first.bodies);
    // Both pages' <lastmod> is what they had when last ingested: not requested at all.
    expect(requested(before).filter(([p]) => p !== '/robots.txt')).toEqual([
      ['/sitemap-1.xml.gz', 'conditional'],
      ['/feed.json', 'conditional'],
    ]);
    expect(second.stats).toEqual({ notModified: 2, lastmodSkipped: 2 });
    expect(second.contentTypes).toEqual(first.contentTypes);
  });

  it('a page robots.txt now disallows is neither requested nor served from the store', async () => {
    robots = 'User-agent: *\nDisallow: /p/1\n';
    try {
      const before = server.seen.length;
      await expect(crawl(['/sitemap-1.xml.gz', '/p/1'])).rejects.toThrow(/robots\.txt disallows/);
      expect(server.seen.slice(before).map((s) => s.path)).not.toContain('/p/1');
    } finally {
      robots = '';
    }
  });

  it('a changed <lastmod> or an unconfirmed page is revalidated; a changed body is downloaded and kept', async () => {
    lastmod['/p/2'] = '2026-11-02T09:00:00Z';
    pages['/p/2'] = '<html>two, cheaper</html>';
    const before = server.seen.length;
    const third = await crawl(['/sitemap-1.xml.gz', '/p/1', '/p/2']);
    expect(third.bodies['/p/2']).toBe('<html>two, cheaper</html>');
    expect(requested(before).filter(([p]) => p !== '/robots.txt')).toEqual([
      ['/sitemap-1.xml.gz', 'conditional'], // its body changed: 200
      ['/p/2', 'conditional'], // lastmod moved: revalidated, 200 with the new page
    ]);
    expect(server.seen.slice(before).map((s) => s.path)).not.toContain('/p/1');
    // p/2 was fetched but not confirmed (no listing came of it yet): next run revalidates it, no skip.
    const again = server.seen.length;
    const fourth = await crawl(['/sitemap-1.xml.gz', '/p/2']);
    expect(fourth.stats).toEqual({ notModified: 2, lastmodSkipped: 0 });
    expect(requested(again).filter(([p]) => p !== '/robots.txt')).toEqual([
      ['/sitemap-1.xml.gz', 'conditional'],
      ['/p/2', 'conditional'],
    ]);
  });

  it('fresh: true downloads without validators (a garbled JSON body is fetched again in full)', async () => {
    const before = server.seen.length;
    const run = await crawl(['/feed.json'], { fresh: ['/feed.json'] });
    expect(run.bodies['/feed.json']).toBe('{"products":[]}');
    expect(requested(before).filter(([p]) => p !== '/robots.txt')).toEqual([['/feed.json', 'plain']]);
  });

  it('the body store keeps bodies content-addressed and prunes the unreferenced', () => {
    const store = new BodyStore(dir.path);
    const hash = store.put(Buffer.from('orphan'));
    expect(store.get(hash)?.toString()).toBe('orphan');
    const state = StateStore.open(dir.path);
    try {
      const unused = () => Promise.reject(new Error('unused'));
      const layer = new RevalidatingFetcher({ fetch: unused, isAllowed: unused }, state, store);
      const keep = layer.referencedBodies();
      expect(keep.has(hash)).toBe(false);
      expect(store.prune(keep)).toBeGreaterThanOrEqual(1);
      expect(store.get(hash)).toBeUndefined();
      for (const h of keep) expect(store.get(h)).toBeDefined();
    } finally {
      state.close();
    }
  });
});

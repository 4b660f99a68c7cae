import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSitemapBody, SITEMAP_MAX_BYTES, SITEMAP_MAX_URLS, SitemapError } from '../../src/extract/sitemap.js';
import { walkSitemaps } from '../../src/extract/sitemap-walk.js';
import { jsonLdSource } from '../../src/sources/jsonld.js';
import type { RawRecord } from '../../src/sources/types.js';
import { memoryLogger, testFetcher } from '../helpers/fetcher.js';
import { scriptedServer } from '../helpers/http-server.js';

const urlset = (locs: string[], lastmod = '2026-11-01') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
    .map((l) => `<url><loc>${l}</loc><lastmod>${lastmod}</lastmod></url>`)
    .join('')}</urlset>`;

describe('parseSitemapBody', () => {
  it('inflates by magic bytes, whatever the name, and reads <lastmod> per entry', () => {
    const xml = urlset(['https://shop.example/a?x=1&amp;y=2', 'https://shop.example/b']);
    const parsed = parseSitemapBody(gzipSync(xml), 'https://shop.example/sitemap.bin');
    expect(parsed.kind).toBe('urlset');
    expect(parsed.entries).toEqual([
      { loc: 'https://shop.example/a?x=1&y=2', lastmod: '2026-11-01' },
      { loc: 'https://shop.example/b', lastmod: '2026-11-01' },
    ]);
    expect(parseSitemapBody(Buffer.from(xml))).toEqual(parsed);
  });

  it('reads an index, CDATA locs, relative locs against the sitemap URL, and leaves out non-http(s) ones', () => {
    const index = `<sitemapindex><sitemap><loc><![CDATA[/sitemap-1.xml.gz]]></loc><lastmod>2026-10-01</lastmod></sitemap>
      <sitemap><loc>ftp://shop.example/x.xml</loc></sitemap><sitemap><loc>https://shop.example/s2.xml</loc></sitemap></sitemapindex>`;
    const parsed = parseSitemapBody(Buffer.from(index), 'https://shop.example/sitemap.xml');
    expect(parsed.kind).toBe('sitemapindex');
    expect(parsed.entries).toEqual([
      { loc: 'https://shop.example/sitemap-1.xml.gz', lastmod: '2026-10-01' },
      { loc: 'https://shop.example/s2.xml', lastmod: null },
    ]);
    expect(parsed.warnings).toEqual(['1 <sitemap> without an http(s) <loc> left out']);
  });

  it('reads the sitemap namespace written with a prefix, and no image:loc for a page', () => {
    const ns =
      'xmlns:ns0="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"';
    const prefixed = `<?xml version="1.0"?>\n<ns0:urlset ${ns}><ns0:url><ns0:loc>https://shop.example/p/1</ns0:loc>
      <image:image><image:loc>https://cdn.example/1.jpg</image:loc></image:image><ns0:lastmod>2026-09-01</ns0:lastmod></ns0:url></ns0:urlset>`;
    expect(parseSitemapBody(Buffer.from(prefixed))).toEqual({
      kind: 'urlset',
      entries: [{ loc: 'https://shop.example/p/1', lastmod: '2026-09-01' }],
      warnings: [],
    });
    const index =
      '<s:sitemapindex xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"><s:sitemap><s:loc>https://shop.example/a.xml</s:loc></s:sitemap></s:sitemapindex>';
    expect(parseSitemapBody(index).entries).toEqual([{ loc: 'https://shop.example/a.xml', lastmod: null }]);
  });

  it('keeps the first 50 000 entries of a file and says how many it left out', () => {
    const locs = Array.from({ length: SITEMAP_MAX_URLS + 3 }, (_, i) => `https://shop.example/p/${i}`);
    const parsed = parseSitemapBody(gzipSync(urlset(locs)));
    expect(parsed.entries).toHaveLength(SITEMAP_MAX_URLS);
    expect(parsed.entries.at(-1)?.loc).toBe(`https://shop.example/p/${SITEMAP_MAX_URLS - 1}`);
    expect(parsed.warnings).toEqual([`3 entries past the sitemaps.org limit of ${SITEMAP_MAX_URLS} left out`]);
  });

  it('refuses a gzip bomb at the 50 MB limit without inflating it all, and a body that is no sitemap', () => {
    const bomb = gzipSync(Buffer.alloc(SITEMAP_MAX_BYTES + 1024, 0x20));
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => parseSitemapBody(bomb)).toThrow(/inflates past 52428800 bytes/);
    expect(() => parseSitemapBody(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(SitemapError);
    expect(() => parseSitemapBody(Buffer.from('<html><body>Shop</body></html>'))).toThrow(/not a sitemap/);
  });
});

describe('walkSitemaps', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  beforeAll(async () => {
    server = await scriptedServer((req, res) => {
      const base = `http://127.0.0.1:${server.port}`;
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      };
      if (req.url === '/robots.txt') return send('text/plain', 'User-agent: *\nAllow: /\n');
      if (req.url === '/sitemap.xml')
        return send(
          'application/xml',
          `<sitemapindex>${['/s-1.xml.gz', '/s-html.xml', '/s-missing.xml', '/s-2.xml']
            .map((p) => `<sitemap><loc>${base}${p}</loc></sitemap>`)
            .join('')}</sitemapindex>`,
        );
      // Gzipped, labelled as octet-stream: the magic bytes decide.
      if (req.url === '/s-1.xml.gz')
        return send('application/octet-stream', gzipSync(urlset([`${base}/p/1`, `${base}/p/2`])));
      if (req.url === '/s-html.xml') return send('text/html', '<html><body>Soft 404</body></html>');
      if (req.url === '/s-2.xml') return send('text/xml', urlset([`${base}/p/2`, `${base}/p/3`]));
      if (req.url?.startsWith('/p/')) return send('text/html', `<html><body>${req.url}</body></html>`);
      res.writeHead(404).end();
    });
  });
  afterAll(() => server.close());

  it('reads each child on its own: a child that is no sitemap or is missing is reported, the others are read', async () => {
    const { fetcher } = testFetcher({ maxRetries: 0 });
    try {
      const walk = await walkSitemaps(fetcher, `${server.url}/sitemap.xml`);
      expect(walk.pages.map((p) => new URL(p.loc).pathname)).toEqual(['/p/1', '/p/2', '/p/3']);
      expect(walk.sitemaps.map((s) => [new URL(s.url).pathname, s.status, s.entries ?? s.errorName])).toEqual([
        ['/sitemap.xml', 'ok', 4],
        ['/s-1.xml.gz', 'ok', 2],
        ['/s-html.xml', 'failed', 'SitemapError'],
        ['/s-missing.xml', 'failed', expect.stringMatching(/Error$/)],
        ['/s-2.xml', 'ok', 2],
      ]);
    } finally {
      await fetcher.close();
    }
  });

  it('the JSON-LD source: broken children are failed records on the first page only, the pages of the others follow', async () => {
    const { fetcher } = testFetcher({ maxRetries: 0 });
    const source = jsonLdSource({ sitemapUrl: `${server.url}/sitemap.xml` });
    const refs = async (cursor: string | null) => {
      const pages: Array<Array<[string, string]>> = [];
      const context = { fetcher, logger: memoryLogger().logger, pageSize: 2 };
      for await (const page of source.pages(context, cursor))
        pages.push(page.records.map((r: RawRecord) => [new URL(r.ref).pathname, 'error' in r ? r.error.name : 'page']));
      return pages;
    };
    try {
      expect(await refs(null)).toEqual([
        [
          ['/s-html.xml', 'SitemapError'],
          ['/s-missing.xml', 'HttpStatusError'],
          ['/p/1', 'page'],
          ['/p/2', 'page'],
        ],
        [['/p/3', 'page']],
      ]);
      // Resuming after the first page reports the pages left, not the broken children again.
      expect(await refs('2')).toEqual([[['/p/3', 'page']]]);
    } finally {
      await fetcher.close();
    }
  });

  it('a root that is no sitemap throws', async () => {
    const { fetcher } = testFetcher({ maxRetries: 0 });
    try {
      await expect(walkSitemaps(fetcher, `${server.url}/s-html.xml`)).rejects.toThrow(/not a sitemap/);
    } finally {
      await fetcher.close();
    }
  });
});

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInspectReport, inspectUrl } from '../src/inspect.js';
import { runCli } from './helpers/cli.js';
import { testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';

// `ftf-ingest inspect` against a loopback shop: a product page, a page robots.txt disallows, a Shopify
// products.json, a gzipped urlset and an index with a broken child. Bodies come from the conformance corpus.
const corpus = (file: string) => readFileSync(new URL(`./conformance/corpus/${file}`, import.meta.url));

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeAll(async () => {
  server = await scriptedServer((req, res) => {
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'content-type': type }).end(body);
    const base = `http://127.0.0.1:${server.port}`;
    const urlset = gzipSync(
      `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/p/anvil</loc><lastmod>2026-11-01</lastmod></url><url><loc>${base}/p/coat</loc></url></urlset>`,
    );
    switch (req.url) {
      case '/robots.txt':
        return send('text/plain', 'User-agent: *\nDisallow: /private/\n');
      case '/p/anvil':
        return send('text/html; charset=utf-8', corpus('mutated-anvil-comment-wrapper.html'));
      case '/p/no-offer':
        return send('text/html', corpus('schemaorg-eg-0029-jsonld.html'));
      case '/private/p':
        return send('text/html', corpus('google-merchant-listing-anvil.html'));
      case '/products.json':
        return send('application/json', corpus('shopify-tokyopop-products.json'));
      case '/sitemap-products.xml.gz':
        return send('application/octet-stream', urlset);
      case '/sitemap.xml':
        return send(
          'application/xml',
          `<sitemapindex><sitemap><loc>${base}/sitemap-products.xml.gz</loc></sitemap><sitemap><loc>${base}/sitemap-broken.xml</loc></sitemap></sitemapindex>`,
        );
      case '/sitemap-broken.xml':
        return send('text/html', '<html><body>Not found, but 200</body></html>');
      default:
        res.writeHead(404).end();
    }
  });
});
afterAll(() => server?.close());

async function inspect(path: string, currency?: string) {
  const { fetcher } = testFetcher({ maxRetries: 0 });
  try {
    return await inspectUrl(fetcher, server.url + path, currency ? { currency } : {});
  } finally {
    await fetcher.close();
  }
}

describe('inspect', () => {
  it('a product page: robots verdict, JSON-LD blocks, the listing it would store', async () => {
    const report = await inspect('/p/anvil');
    expect(report).toMatchObject({
      robots: 'allowed',
      kind: 'product-page',
      response: { status: 200, contentType: 'text/html; charset=utf-8', gzip: false },
      page: {
        jsonLd: { blocks: 1, types: ['Product'] },
        via: 'json-ld',
        listing: { title: 'Executive Anvil', externalId: '0446310786', price: { amount: 11999, currency: 'USD' } },
        skip: null,
      },
    });
    const text = formatInspectReport(report);
    expect(text).toContain('robots.txt   allowed');
    expect(text).toContain('price        119.99 USD');
  });

  it('a page without an offer: the skip reason; a disallowed page: not fetched at all', async () => {
    expect((await inspect('/p/no-offer')).page?.skip).toMatchObject({ field: 'offers' });
    const before = server.count('/private/p');
    const report = await inspect('/private/p');
    expect(report).toMatchObject({ robots: 'disallowed', error: expect.stringMatching(/robots\.txt disallows/) });
    expect(report.response).toBeUndefined();
    expect(server.count('/private/p')).toBe(before);
  });

  it('a Shopify products.json: every product with the given currency', async () => {
    const report = await inspect('/products.json', 'usd');
    expect(report.kind).toBe('shopify-products');
    expect(report.shopify).toMatchObject({ products: 1, currency: 'USD', skipped: [] });
    expect(report.shopify?.listings[0]).toMatchObject({
      title: 'Dramacon, Volume 2',
      url: `${server.url}/products/9781427860828_dramacon-volume-2`,
      price: { amount: 799, currency: 'USD' },
    });
  });

  it('a sitemap index: children each with their status, pages counted; a gzipped urlset: entries and lastmods', async () => {
    const index = await inspect('/sitemap.xml');
    expect(index.kind).toBe('sitemap-index');
    expect(index.sitemap).toMatchObject({ kind: 'sitemapindex', entries: 2, pages: 2 });
    expect(index.sitemap?.children?.map((c) => [new URL(c.url).pathname, c.status])).toEqual([
      ['/sitemap-products.xml.gz', 'ok'],
      ['/sitemap-broken.xml', 'failed'],
    ]);
    expect(formatInspectReport(index)).toMatch(/FAILED .*sitemap-broken\.xml {2}not a sitemap/);

    const urlset = await inspect('/sitemap-products.xml.gz');
    expect(urlset).toMatchObject({ kind: 'sitemap', response: { gzip: true } });
    expect(urlset.sitemap).toMatchObject({
      entries: 2,
      withLastmod: 1,
      sample: [
        { loc: `${server.url}/p/anvil`, lastmod: '2026-11-01' },
        { loc: `${server.url}/p/coat`, lastmod: null },
      ],
    });
  });

  it('refuses what is not an http(s) URL', async () => {
    const { fetcher } = testFetcher();
    try {
      await expect(inspectUrl(fetcher, 'ftp://shop.example/')).rejects.toThrow(/only http\(s\) URLs/);
      await expect(inspectUrl(fetcher, 'not a url')).rejects.toThrow(/not a URL/);
    } finally {
      await fetcher.close();
    }
  });
});

describe('ftf-ingest inspect (built CLI)', () => {
  it('--json prints the report and exits 0; a robots-disallowed URL exits 1; no URL or no contact URL exits 2; no API key needed', async () => {
    const contact = ['--contact-url', 'https://ops.example/bot'];
    const ok = await runCli(['inspect', `${server.url}/p/anvil`, '--json', '--allow-loopback', ...contact]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      kind: 'product-page',
      page: { listing: { title: 'Executive Anvil' } },
    });

    const disallowed = await runCli(['inspect', `${server.url}/private/p`, '--allow-loopback', ...contact]);
    expect(disallowed.code).toBe(1);
    expect(disallowed.stdout).toContain('robots.txt   disallowed');

    const missing = await runCli(['inspect']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/inspect needs a URL/);
    // Real requests carry a contact URL: without one (no config, no flag) nothing is sent.
    const anonymous = await runCli(['inspect', `${server.url}/p/anvil`, '--allow-loopback']);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/contact URL/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSitemapBody } from '../../src/extract/sitemap.js';
import { walkSitemaps } from '../../src/extract/sitemap-walk.js';
import type { FetchOptions } from '../../src/fetcher/polite-fetcher.js';
import { extractPageProduct, normalizeJsonLdProduct } from '../../src/sources/jsonld.js';
import { normalizeShopify } from '../../src/sources/shopify.js';
import { NormalizeError } from '../../src/sources/types.js';
import { testFetcher } from '../helpers/fetcher.js';
import { scriptedServer } from '../helpers/http-server.js';

// The conformance corpus: published examples (Google Search Central, schema.org, sitemaps.org, a real Shopify
// store's products.json) and mutations of them, each with a sidecar `<file>.expected.json` naming its source and
// what it must produce. Run it alone: pnpm vitest run packages/ingest/test/conformance/conformance.test.ts
const dir = new URL('./corpus/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir));

interface Sidecar {
  file?: string;
  source: string;
  note: string;
  kind: 'page' | 'shopify' | 'sitemap' | 'sitemap-walk';
  pageUrl?: string;
  storeUrl?: string;
  currency?: string;
  sitemapUrl?: string;
  serve?: Record<string, string>;
  expect: unknown;
}

const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.expected.json'))
  .sort()
  .map((sidecar) => {
    const spec = JSON.parse(read(sidecar).toString('utf8')) as Sidecar;
    return {
      name: sidecar.replace(/\.expected\.json$/, ''),
      file: spec.file ?? sidecar.replace(/\.expected\.json$/, ''),
      spec,
    };
  });

/** A listing, or the field a NormalizeError names: what the sidecars' `expect` holds. */
function outcome(run: () => unknown): unknown {
  try {
    return { listings: [run()].flat() };
  } catch (error) {
    if (error instanceof NormalizeError) return { skip: { field: error.field } };
    throw error;
  }
}

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeAll(async () => {
  // Serves the corpus for the walk cases: the path → file map comes from the sidecar in the request's query.
  server = await scriptedServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/robots.txt')
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    const spec = cases.find((c) => c.name === url.searchParams.get('case'))?.spec;
    const file = spec?.serve?.[url.pathname];
    if (!file) return res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': file.endsWith('.gz') ? 'application/x-gzip' : 'application/xml' })
      .end(read(file));
  });
});
afterAll(() => server?.close());

/** Real HTTP to the loopback server standing in for www.example.com (same paths, the case in the query). */
async function walkCase(name: string, spec: Sidecar): Promise<unknown> {
  const { fetcher } = testFetcher({ maxRetries: 0 });
  const origin = 'http://www.example.com';
  const toLocal = (url: string) => `${url.replace(origin, server.url)}?case=${encodeURIComponent(name)}`;
  const toOrigin = (url: string) => url.replace(server.url, origin).replace(/\?case=.*$/, '');
  try {
    const walk = await walkSitemaps(
      {
        fetch: async (url: string, options?: FetchOptions) => {
          const response = await fetcher.fetch(toLocal(url), options);
          return { ...response, url: toOrigin(response.url) };
        },
      },
      spec.sitemapUrl as string,
    );
    return {
      pages: walk.pages.map((p) => p.loc),
      sitemaps: walk.sitemaps.map((s) => [new URL(s.url).pathname, s.status]),
    };
  } finally {
    await fetcher.close();
  }
}

async function run(name: string, file: string, spec: Sidecar): Promise<unknown> {
  switch (spec.kind) {
    case 'page': {
      const html = read(file).toString('utf8');
      const pageUrl = spec.pageUrl as string;
      return outcome(() => normalizeJsonLdProduct(extractPageProduct(html).product, pageUrl, 'jsonld:shop.example'));
    }
    case 'shopify': {
      const { products } = JSON.parse(read(file).toString('utf8')) as { products: unknown[] };
      const options = { storeUrl: spec.storeUrl as string, currency: spec.currency as string };
      return outcome(() => products.map((p) => normalizeShopify(p, options)));
    }
    case 'sitemap': {
      const { kind, entries } = parseSitemapBody(read(file), spec.sitemapUrl);
      return { kind, entries };
    }
    case 'sitemap-walk':
      return walkCase(name, spec);
  }
}

describe('conformance corpus', () => {
  it('every recorded example and mutation extracts exactly what its sidecar says', async () => {
    const failures: string[] = [];
    for (const { name, file, spec } of cases) {
      const actual = await run(name, file, spec);
      try {
        expect(actual).toEqual(spec.expect);
      } catch (error) {
        failures.push(`${name} (${spec.source}): got ${JSON.stringify(actual)}; ${(error as Error).message}`);
      }
    }
    const exact = cases.length - failures.length;
    console.log(`conformance: ${exact} of ${cases.length} extracted exactly`);
    for (const failure of failures) console.log(`  ✗ ${failure}`);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(failures).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ebaySource, normalizeEbay } from '../src/sources/ebay.js';
import { NormalizeError, type SourcePage } from '../src/sources/types.js';
import { memoryLogger, testFetcher } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';

// item-summary-search.json: the "search by keyword" sample response of eBay's Browse API documentation
// (item_summary/search, q=drone, limit=3; ids masked as eBay publishes them). oauth-token.json: the
// client-credentials grant response of eBay's OAuth documentation.
const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/ebay/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const sample = recorded('item-summary-search.json');
const tokenSample = recorded('oauth-token.json');
const summaries = sample.itemSummaries as Array<Record<string, unknown>>;
const CREDENTIALS = { clientId: 'FindThis-Fit-PRD-0123456789-abcdef', clientSecret: 'PRD-secret-do-not-log-42' };

describe('ebay: item summaries', () => {
  it('maps the documented sample item', () => {
    expect(normalizeEbay(summaries[0], 'ebay:EBAY_US')).toEqual({
      source: 'ebay:EBAY_US',
      externalId: 'v1|1**********1|0',
      title: 'Syma X5SW-V3 Wifi FPV RC Drone Quadcopter 2.4Ghz 6-Axis Gyro with Headless Mode',
      description: null,
      brand: null,
      size: null,
      category: 'Camera Drones',
      condition: 'new',
      conditionRaw: 'New',
      price: { amount: 5999, currency: 'USD' },
      url: 'https://www.ebay.com/itm/1**********1?hash=i************d*p',
      appUrl: null,
      imageUrl: 'https://i.ebayimg.com/thumbs/images/g/n**************a/s-***5.jpg',
      status: 'active',
    });
  });

  it('maps used condition ids; falls back to the thumbnail; names missing fields', () => {
    const used = { ...summaries[2], condition: 'Pre-owned', conditionId: '3000', image: undefined };
    expect(normalizeEbay(used, 'e')).toMatchObject({
      condition: 'good',
      conditionRaw: 'Pre-owned',
      imageUrl: 'https://i.ebayimg.com/images/g/Y**************M/s-l500.jpg',
    });
    const bare = { ...summaries[0], image: undefined, thumbnailImages: undefined };
    expect(() => normalizeEbay(bare, 'e')).toThrow(/image: no image\.imageUrl .*keys: itemId, title/);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalizeEbay(value, 'e');
        } catch (error) {
          return error instanceof NormalizeError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('ebay: token and search against a server shaped like the API', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (d: Buffer) => {
        text += d.toString();
      });
      req.on('end', () => resolve(text));
    });

  async function fakeEbay(options: { revokeFirstToken?: boolean } = {}) {
    const tokens: Array<{ authorization: string | undefined; body: string; method: string | undefined }> = [];
    let minted = 0;
    const server = await scriptedServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/identity/v1/oauth2/token') {
        tokens.push({ authorization: req.headers.authorization, body: await readBody(req), method: req.method });
        minted++;
        const token = { ...tokenSample, access_token: `token-${minted}` };
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
      }
      if (url.pathname === '/buy/browse/v1/item_summary/search') {
        const bearer = req.headers.authorization;
        if (options.revokeFirstToken && bearer === 'Bearer token-1')
          return res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[]}');
        const offset = Number(url.searchParams.get('offset'));
        const limit = Number(url.searchParams.get('limit'));
        const page = summaries.slice(offset, offset + limit);
        const body: Record<string, unknown> = {
          ...sample,
          limit,
          offset,
          total: summaries.length,
          itemSummaries: page,
        };
        if (offset + limit >= summaries.length) delete body.next;
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
      res.writeHead(404).end();
    });
    servers.push(server);
    return { server, tokens };
  }

  async function walk(adapter: ReturnType<typeof ebaySource>, pageSize: number) {
    const { fetcher } = testFetcher();
    const { logger, lines } = memoryLogger();
    const pages: SourcePage[] = [];
    try {
      for await (const page of adapter.pages({ fetcher, logger, pageSize }, null)) pages.push(page);
    } finally {
      await fetcher.close();
    }
    return { pages, lines };
  }

  it('mints one token (Basic auth, client_credentials, public scope) and pages by offset while next is given', async () => {
    const { server, tokens } = await fakeEbay();
    const adapter = ebaySource({
      apiBase: server.url,
      marketplaceId: 'EBAY_GB',
      query: 'levis jacket',
      credentials: CREDENTIALS,
    });
    const { pages } = await walk(adapter, 2);
    expect(pages.map((p) => [p.records.length, p.next, p.total])).toEqual([
      [2, '2', 3],
      [1, null, 3],
    ]);
    expect(tokens).toHaveLength(1); // cached across pages
    const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
    expect(tokens[0]).toEqual({
      method: 'POST',
      authorization: `Basic ${basic}`,
      body: 'grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope',
    });
    const searches = server.seen.filter((s) => s.path.startsWith('/buy/'));
    expect(searches.map((s) => s.path)).toEqual([
      '/buy/browse/v1/item_summary/search?q=levis+jacket&category_ids=11450&filter=conditions%3A%7BUSED%7D&limit=2&offset=0',
      '/buy/browse/v1/item_summary/search?q=levis+jacket&category_ids=11450&filter=conditions%3A%7BUSED%7D&limit=2&offset=2',
    ]);
    expect(searches.every((s) => s.headers['x-ebay-c-marketplace-id'] === 'EBAY_GB')).toBe(true);
    expect(searches.every((s) => s.headers.authorization === 'Bearer token-1')).toBe(true);
    // An official API under its own terms: robots.txt (for crawlers) is not consulted.
    expect(server.seen.some((s) => s.path === '/robots.txt')).toBe(false);
  });

  it('condition ids become filter=conditionIds:{…}; a 401 mints a new token once; secrets never reach the log', async () => {
    const { server, tokens } = await fakeEbay({ revokeFirstToken: true });
    const adapter = ebaySource({
      apiBase: server.url,
      query: 'dress',
      categoryIds: '15724',
      conditionIds: ['2990', '3000', '3010'],
      credentials: CREDENTIALS,
    });
    const { pages, lines } = await walk(adapter, 200);
    expect(pages).toHaveLength(1);
    expect(tokens).toHaveLength(2);
    const searches = server.seen.filter((s) => s.path.startsWith('/buy/'));
    expect(searches.map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(decodeURIComponent(searches[0]!.path)).toContain('category_ids=15724&filter=conditionIds:{2990|3000|3010}');
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(CREDENTIALS.clientSecret);
    expect(logged).not.toContain('token-');
  });

  it('refuses to start without credentials', () => {
    expect(() => ebaySource({ query: 'x', credentials: { clientId: '', clientSecret: '' } })).toThrow(
      /EBAY_CLIENT_ID and EBAY_CLIENT_SECRET/,
    );
  });
});

import { defaultRobotsTxt } from '@find-this-fit/fixture-marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOnce } from '../src/wiring.js';
import { memoryLogger } from './helpers/fetcher.js';
import { type Marketplace, marketConfig, startFixtureMarketplace, startTestServer, tempDir } from './helpers/stack.js';

let stack: Awaited<ReturnType<typeof startTestServer>>;
const markets: Marketplace[] = [];
const dirs: Array<{ remove(): void }> = [];

beforeAll(async () => {
  stack = await startTestServer();
});
afterAll(async () => {
  await Promise.all([...markets.map((m) => m.close()), stack?.close()]);
  for (const dir of dirs) dir.remove();
});

async function setup(count: number, seed: number) {
  const market = await startFixtureMarketplace({ count, seed, pageSize: 10 });
  markets.push(market);
  const state = tempDir('ftf-ingest-faults-');
  dirs.push(state);
  const config = marketConfig(market, stack.server.url, state.path, {
    fetch: {
      crawlDelayMs: 0,
      allowLoopback: true,
      timeoutMs: 1000,
      backoffBaseMs: 20,
      backoffCapMs: 100,
      maxRetries: 2,
    },
    images: { maxBytes: 1_000_000 },
  });
  const { logger, lines } = memoryLogger();
  return { market, config, run: () => ingestOnce(config, { logger }), lines };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exact = (path: string) => new RegExp(`^${escapeRegExp(path)}(\\?|$)`);

describe('faults: each handled as described, the run continuing', () => {
  // Generous: this machine is shared; the work itself takes a fraction of this.
  it('429 with Retry-After, 503, slow and reset responses, malformed pages, hostile images, private redirects, robots', {
    timeout: 180_000,
  }, async () => {
    const COUNT = 30;
    const { market, run } = await setup(COUNT, 11);
    const of = (source: string) => market.listings.filter((l) => l.source === source);
    const [slow, reset, oversized, bomb, wrongType] = of('depop');
    const [toMetadata, toLan] = of('shopify');
    const [malformedPage, disallowedPage] = of('jsonld');
    const image = (key: string) => new RegExp(`^/images/${escapeRegExp(key)}\\.jpg`);
    const { faults } = market;
    faults.add({
      match: '/depop/api/v3/search/products/',
      times: 1,
      fault: { type: 'status', status: 429, retryAfter: 1 },
    });
    faults.add({ match: '/depop/api/v3/search/products/', times: 1, fault: { type: 'malformed' } });
    faults.add({ match: '/shopify/products.json', times: 2, fault: { type: 'status', status: 503 } });
    faults.add({ match: image(slow!.key), times: 1, fault: { type: 'delay', ms: 2500 } });
    faults.add({ match: image(reset!.key), times: 1, fault: { type: 'reset' } });
    faults.add({ match: image(oversized!.key), fault: { type: 'oversized-image', bytes: 2_000_000 } });
    faults.add({ match: image(bomb!.key), fault: { type: 'decompression-bomb' } });
    faults.add({ match: image(wrongType!.key), fault: { type: 'wrong-content-type', contentType: 'text/html' } });
    faults.add({
      match: image(toMetadata!.key),
      fault: { type: 'redirect', location: 'http://169.254.169.254/latest/meta-data/' },
    });
    faults.add({ match: image(toLan!.key), fault: { type: 'redirect', location: 'http://10.0.0.1/admin.jpg' } });
    faults.add({ match: exact(new URL(malformedPage!.url).pathname), fault: { type: 'malformed' } });
    const disallowedPath = new URL(disallowedPage!.url).pathname;
    market.robotsTxt = `User-agent: *\nDisallow: ${disallowedPath}\n`;

    const summary = await run();
    expect(summary.skipped).toEqual({ too_many_pixels: 1, wrong_content_type: 1, 'normalize:ld+json': 1 });
    expect(summary.failed).toEqual({
      'image:response_too_large': 1,
      'image:blocked_address': 2,
      'page:robots_disallowed': 1,
    });
    expect(summary.new).toBe(COUNT - 7);
    expect(Object.values(summary.sources).every((s) => s.completed)).toBe(true);
    expect(summary).toMatchObject({ outcome: 'completed', stopped: [] });
    expect((await stack.client.info()).items.total).toBe(COUNT - 7);

    const requests = (re: RegExp) => market.requests.filter((r) => re.test(r.path));
    // 429 → waited Retry-After (1 s) → malformed JSON → fetched again → fine.
    const firstPage = requests(/^\/depop\/api\/v3\/search\/products\/\?limit=10$/);
    expect(firstPage.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(firstPage[1]!.at - firstPage[0]!.at).toBeGreaterThanOrEqual(950);
    expect(requests(/^\/shopify\/products\.json\?limit=10&page=1$/).map((r) => r.status)).toEqual([503, 503, 200]);
    // Timed out once, then fine (stored: counted in `new`). A loaded machine can time out a retry too, so ≥ 2.
    expect(requests(image(slow!.key)).length).toBeGreaterThanOrEqual(2);
    expect(requests(image(reset!.key))).toHaveLength(2);
    expect(requests(exact(disallowedPath))).toHaveLength(0); // robots.txt honoured: never requested
    expect(market.maxConcurrent).toBe(1);

    // Faults gone: the next run picks up exactly what was skipped or failed.
    faults.clear();
    market.robotsTxt = defaultRobotsTxt(market.url);
    const again = await run();
    expect(again).toMatchObject({ new: 7, updated: 0, unchanged: COUNT - 7, failed: {}, skipped: {} });
    expect((await stack.client.info()).items.total).toBe(COUNT);
  });

  it('a bot challenge opens the circuit breaker: one request, a clear log line, no more requests to that host', async () => {
    const { market, run, lines } = await setup(20, 12);
    market.faults.add({ match: '/shopify/', fault: { type: 'challenge' } });
    const summary = await run();
    expect(summary.sources.depop?.completed).toBe(true);
    const host = new URL(market.url).host;
    expect(summary.openCircuits[host]).toMatch(/bot challenge/);
    const others = Object.entries(summary.sources).filter(([name]) => name !== 'depop');
    expect(others.every(([, s]) => !s.completed && /circuit open/.test(s.error ?? ''))).toBe(true);
    // Honest result: some sources stopped (exit 4 from the CLI), each named with its reason.
    expect(summary.outcome).toBe('partial');
    expect(summary.stopped.map((s) => s.source).sort()).toEqual(others.map(([name]) => name).sort());
    expect(summary.stopped.every((s) => s.reason.startsWith('circuit_open: '))).toBe(true);
    const challengeAt = market.requests.findIndex((r) => r.path.startsWith('/shopify/'));
    expect(challengeAt).toBeGreaterThan(-1);
    expect(market.requests.slice(challengeAt + 1)).toHaveLength(0); // it stopped: nothing after the challenge
    expect(lines.filter((l) => /circuit breaker open .*bot challenge/.test(String(l.msg)))).toHaveLength(1);
    // Listings of sources cut short are not counted missing.
    expect(summary.removed).toBe(0);
  });
});

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOPIFY_STORE } from '@find-this-fit/fixture-marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, summaryOf } from './helpers/cli.js';
import {
  FIXTURE_MODEL_DIR,
  type Marketplace,
  SECRET,
  startFixtureMarketplace,
  startTestServer,
  tempDir,
} from './helpers/stack.js';

let market: Marketplace;
let stack: Awaited<ReturnType<typeof startTestServer>>;
const dir = tempDir('ftf-ingest-exit-');

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`Build the CLI first: pnpm --filter @find-this-fit/ingest build (${CLI} missing)`);
  [market, stack] = await Promise.all([startFixtureMarketplace({ count: 12, seed: 31 }), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([market?.close(), stack?.close()]);
  dir.remove();
});

/** `ftf-ingest run` with its own state folder. */
async function run(name: string) {
  const file = join(dir.path, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      server: { url: stack.server.url },
      modelDir: FIXTURE_MODEL_DIR,
      stateDir: join(dir.path, name),
      userAgent: { product: 'FindThisFitBot/0.1', contactUrl: 'https://find-this-fit.example/bot' },
      sources: [
        { type: 'depop', apiBase: market.sources.depop.apiBase, webBase: market.sources.depop.webBase },
        { type: 'shopify', storeUrl: market.sources.shopify.storeUrl, currency: SHOPIFY_STORE.currency },
      ],
      fetch: { crawlDelayMs: 0, allowLoopback: true, maxRetries: 0 },
    }),
  );
  const result = await runCli(['run', '-c', file], { FTF_INGEST_API_KEY: SECRET });
  return { code: result.code, summary: summaryOf(result.stdout) };
}

describe('ftf-ingest run exit status tells completed, partial and failed apart', () => {
  it('0 completed · 4 some sources stopped (named) · 1 every source stopped', { timeout: 180_000 }, async () => {
    const completed = await run('completed');
    expect(completed.code).toBe(0);
    expect(completed.summary).toMatchObject({ outcome: 'completed', stopped: [] });

    market.faults.add({ match: '/shopify/', fault: { type: 'status', status: 500 } });
    const partial = await run('partial');
    expect(partial.code).toBe(4);
    expect(partial.summary.outcome).toBe('partial');
    expect(partial.summary.stopped).toEqual([
      { source: `shopify:${new URL(market.url).host}`, reason: expect.stringMatching(/^http_status: HTTP 500/) },
    ]);

    // `status` remembers how the last run ended.
    const status = await runCli(['status', '--state-dir', join(dir.path, 'partial'), '--json']);
    expect(JSON.parse(status.stdout).lastRun).toMatchObject({
      completed: true,
      outcome: 'partial',
      stopped: [`shopify:${new URL(market.url).host}`],
    });

    market.faults.add({ match: '/depop/', fault: { type: 'status', status: 500 } });
    const failed = await run('failed');
    expect(failed.code).toBe(1);
    expect(failed.summary.outcome).toBe('failed');
    expect((failed.summary.stopped as unknown[]).length).toBe(2);
    market.faults.clear();
  });
});

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOPIFY_STORE } from '@find-this-fit/fixture-marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/state-store.js';
import { CLI, runCli, startCli, summaryOf } from './helpers/cli.js';
import {
  FIXTURE_MODEL_DIR,
  type Marketplace,
  SECRET,
  startFixtureMarketplace,
  startTestServer,
  tempDir,
} from './helpers/stack.js';

const COUNT = 60;
let market: Marketplace;
let stack: Awaited<ReturnType<typeof startTestServer>>;
const dir = tempDir('ftf-ingest-kill-');

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`Build the CLI first: pnpm --filter @find-this-fit/ingest build (${CLI} missing)`);
  [market, stack] = await Promise.all([
    startFixtureMarketplace({ count: COUNT, seed: 21, pageSize: 10 }),
    startTestServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([market?.close(), stack?.close()]);
  dir.remove();
});

describe('kill -9 in the middle of a run', () => {
  // Generous: this machine is shared; the work itself takes a fraction of this.
  it('a rerun resumes from the saved cursors: no duplicates, nothing lost', { timeout: 180_000 }, async () => {
    const stateDir = join(dir.path, 'state');
    const file = join(dir.path, 'ingest.json');
    writeFileSync(
      file,
      JSON.stringify({
        server: { url: stack.server.url },
        modelDir: FIXTURE_MODEL_DIR,
        stateDir,
        userAgent: { product: 'FindThisFitBot/0.1', contactUrl: 'https://find-this-fit.example/bot' },
        sources: [
          { type: 'depop', apiBase: market.sources.depop.apiBase, webBase: market.sources.depop.webBase },
          { type: 'shopify', storeUrl: market.sources.shopify.storeUrl, currency: SHOPIFY_STORE.currency },
          { type: 'jsonld', sitemapUrl: market.sources.jsonld.sitemapUrl },
        ],
        // Slow enough to be caught half-way; small batches so several checkpoints happen before the kill.
        fetch: { crawlDelayMs: 40, allowLoopback: true },
        batch: { pageSize: 10, embed: 4, upsert: 10 },
      }),
    );
    const env = { FTF_INGEST_API_KEY: SECRET };
    const first = startCli(['run', '-c', file], env);
    // Kill once listings are on the server AND a page cursor is checkpointed: on a busy machine the server can
    // hold 12 listings before the state file records the page they came from, and then nothing can be resumed.
    const checkpointed = () => {
      try {
        return Object.keys(StateStore.peek(stateDir).cursors).length > 0;
      } catch {
        return false; // no state file yet
      }
    };
    let atKill = 0;
    for (;;) {
      atKill = (await stack.client.info()).items.total;
      if (atKill >= 12 && checkpointed()) break;
      if (first.child.exitCode !== null)
        throw new Error(`the run ended before it could be killed:\n${(await first.done).stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(atKill).toBeLessThan(COUNT);
    const interrupted = StateStore.peek(stateDir);
    expect(interrupted.run?.completed).toBe(false);
    const savedBeforeRerun = Object.keys(interrupted.items).length;
    const imagesBefore = market.requests.filter((r) => r.path.startsWith('/images/')).length;

    const second = await runCli(['run', '-c', file], env);
    expect(second.code, second.stderr).toBe(0);
    const summary = summaryOf(second.stdout);
    expect(summary.resumed).toBe(true);
    expect(summary.failed).toEqual({});
    // Resumed from the cursor: the pages done before the kill were not read again.
    expect(summary.fetched as number).toBeLessThan(COUNT);
    // Nothing lost, nothing twice: every listing exactly once on the server and in the state.
    const info = await stack.client.info();
    expect(info.items.total).toBe(COUNT);
    const state = StateStore.peek(stateDir);
    expect(Object.keys(state.items)).toHaveLength(COUNT);
    expect(new Set(Object.values(state.items).map((i) => i.id)).size).toBe(COUNT);
    expect(state.run?.completed).toBe(true);
    expect((summary.new as number) + savedBeforeRerun).toBeGreaterThanOrEqual(COUNT);
    // Re-downloads are limited to what was in flight (fetched, not yet committed) at the kill.
    const images = market.requests.filter((r) => r.path.startsWith('/images/'));
    const perImage = new Map<string, number>();
    for (const r of images) perImage.set(r.path, (perImage.get(r.path) ?? 0) + 1);
    expect(perImage.size).toBe(COUNT);
    expect(images.length - COUNT).toBeLessThanOrEqual(imagesBefore - savedBeforeRerun + 1);
    expect(Math.max(...perImage.values())).toBeLessThanOrEqual(2);

    // A third run is a no-op.
    const third = summaryOf((await runCli(['run', '-c', file], env)).stdout);
    expect(third).toMatchObject({ resumed: false, new: 0, updated: 0, unchanged: COUNT, embedded: 0 });

    const status = await runCli(['status', '-c', file, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ items: { total: COUNT }, lastRun: { completed: true } });

    // `schedule` on the same state: ticks every second, runs never overlap, SIGTERM stops it cleanly.
    const scheduled = startCli(['schedule', '-c', file, '--cron', '* * * * * *', '--jitter-ms', '0'], env);
    let out = '';
    scheduled.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 200 && (out.match(/"summary"/g) ?? []).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    scheduled.child.kill('SIGTERM');
    const ended = await scheduled.done;
    expect(ended.code, ended.stderr).toBe(0);
    const runs = ended.stdout
      .split('\n')
      .filter((l) => l.includes('"summary"'))
      .map((l) => JSON.parse(l).summary as { unchanged: number; runId: number });
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.unchanged === COUNT)).toBe(true);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(runs.length);
    expect(ended.stdout + ended.stderr).not.toContain(SECRET);
  });
});

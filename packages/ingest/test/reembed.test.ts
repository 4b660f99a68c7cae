import { resolve } from 'node:path';
import { FindThisFit, fingerprintOf, getPreset } from '@find-this-fit/sdk';
import { loadConfig as loadServerConfig, startServer } from '@find-this-fit/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerModel, ModelMismatchError } from '../src/pipeline/server-model.js';
import { StateStore } from '../src/state/state-store.js';
import { ingestOnce, reembedOnce } from '../src/wiring.js';
import { memoryLogger } from './helpers/fetcher.js';
import { scriptedServer } from './helpers/http-server.js';
import {
  FIXTURE_MODEL_DIR,
  type Marketplace,
  marketConfig,
  SECRET,
  startFixtureMarketplace,
  startTestServer,
  tempDir,
} from './helpers/stack.js';

const COUNT = 24;
let market: Marketplace;
let stack: Awaited<ReturnType<typeof startTestServer>>;
const state = tempDir('ftf-ingest-reembed-');

beforeAll(async () => {
  [market, stack] = await Promise.all([
    startFixtureMarketplace({ count: COUNT, seed: 5, pageSize: 10 }),
    startTestServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([market?.close(), stack?.close()]);
  state.remove();
});

describe('model contract and reembed', () => {
  it('refuses to run when the local model is not the one the server announces', async () => {
    const info = await stack.client.info();
    const fake = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...info, model: { ...info.model, fingerprint: 'fixture-0000000000000000' } }));
    });
    try {
      const client = new FindThisFit({ baseURL: fake.url, apiKey: SECRET, maxRetries: 0 });
      const error = await loadServerModel(client, { modelDir: FIXTURE_MODEL_DIR, batchSize: 4 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ModelMismatchError);
      expect((error as Error).message).toMatch(/fixture-0000000000000000.*refusing/);
    } finally {
      await fake.close();
    }
  });

  // Generous: this machine is shared; the work itself takes a fraction of this.
  it('after a model change, reembed re-embeds every listing, resumably', { timeout: 180_000 }, async () => {
    const { logger } = memoryLogger();
    const first = await ingestOnce(marketConfig(market, stack.server.url, state.path), { logger });
    expect(first.new).toBe(COUNT);

    // The operator moves to another model: a new index (server) for it, and its files for ingest.
    const data = tempDir('ftf-ingest-reembed-server-');
    const next = await startServer(
      loadServerConfig({
        PORT: '0',
        FTF_DATA_DIR: data.path,
        FTF_MODEL: 'fixture-siglip',
        FTF_SECRET_KEYS: SECRET,
        FTF_RATE_LIMIT_RPS: '0',
        FTF_LOG_LEVEL: 'silent',
      }),
      pino({ level: 'silent' }),
    );
    try {
      const config = {
        ...marketConfig(market, next.url, state.path),
        modelDir: resolve(FIXTURE_MODEL_DIR, '..', 'fixture-siglip'),
      };
      // Interrupted after the first batch…
      const controller = new AbortController();
      const partial = await reembedOnce(config, {
        logger,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      expect(partial.reembedded).toBeGreaterThan(0);
      expect(partial.reembedded).toBeLessThan(COUNT);
      // …then resumed: only the rest is done.
      const rest = await reembedOnce(config, { logger });
      expect(rest.alreadyCurrent).toBe(partial.reembedded);
      expect(rest.reembedded).toBe(COUNT - partial.reembedded);
      const nextClient = new FindThisFit({ baseURL: next.url, apiKey: SECRET });
      expect((await nextClient.info()).items.total).toBe(COUNT);
      const items = Object.values(StateStore.peek(state.path).items);
      expect(new Set(items.map((i) => i.fingerprint))).toEqual(new Set([fingerprintOf(getPreset('fixture-siglip'))]));
      // A run against the new server now finds everything unchanged: no re-embedding.
      const after = await ingestOnce(config, { logger });
      expect(after).toMatchObject({ new: 0, embedded: 0, unchanged: COUNT });
    } finally {
      await next.close();
      data.remove();
    }
  });
});

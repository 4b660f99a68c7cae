// Switching a live catalogue to another model, end to end on the two fixture presets (CLIP-shaped `fixture` →
// SigLIP-shaped `fixture-siglip`), as DEPLOYMENT.md "Switching the model" describes it: a second server with a new
// index for the new model, `reembed` into it while the old server keeps answering, then the cut-over — clients
// follow `/v1/info`, vectors of the other model get 409 on either side, a normal run afterwards re-embeds nothing.
import { resolve } from 'node:path';
import { FindThisFit, fingerprintOf, getPreset, isAPIError } from '@find-this-fit/sdk';
import { createEmbedder } from '@find-this-fit/sdk/embedder';
import { loadConfig as loadServerConfig, type RunningServer, startServer } from '@find-this-fit/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOnce, reembedOnce } from '../src/wiring.js';
import { memoryLogger } from './helpers/fetcher.js';
import {
  FIXTURE_MODEL_DIR,
  type Marketplace,
  marketConfig,
  SECRET,
  startFixtureMarketplace,
  startTestServer,
  tempDir,
} from './helpers/stack.js';

const MODELS = resolve(FIXTURE_MODEL_DIR, '..');
let market: Marketplace;
let old: Awaited<ReturnType<typeof startTestServer>>;
let next: RunningServer;
const state = tempDir('ftf-switch-state-');
const nextData = tempDir('ftf-switch-next-');

/** A shop's client: it loads whatever model the server it talks to announces (from the local models folder). */
const shopClient = (baseURL: string) =>
  new FindThisFit({
    baseURL,
    apiKey: SECRET,
    maxRetries: 0,
    loadEmbedder: (options) =>
      createEmbedder({ ...options, modelDir: resolve(MODELS, String(options.preset)), threads: 1 }),
  });

beforeAll(async () => {
  [market, old] = await Promise.all([startFixtureMarketplace({ count: 16, seed: 9, pageSize: 8 }), startTestServer()]);
  next = await startServer(
    loadServerConfig({
      PORT: '0',
      FTF_DATA_DIR: nextData.path,
      FTF_MODEL: 'fixture-siglip',
      FTF_SECRET_KEYS: SECRET,
      FTF_RATE_LIMIT_RPS: '0',
      FTF_LOG_LEVEL: 'silent',
    }),
    pino({ level: 'silent' }),
  );
});
afterAll(async () => {
  await Promise.all([market?.close(), old?.close(), next?.close()]);
  state.remove();
  nextData.remove();
});

describe('switching the model: new index, re-embed, cut over', () => {
  it('moves a live catalogue from fixture to fixture-siglip without a gap', { timeout: 240_000 }, async () => {
    const { logger } = memoryLogger();
    const active = market.listings.filter((l) => l.status === 'active');
    const probe = active[3]!;
    const photo = Buffer.from(await (await fetch(probe.imageUrl)).arrayBuffer());
    const titleOf = async (client: FindThisFit) => (await client.searchByImage(photo, { k: 1 })).results[0]?.title;

    // Before: the catalogue lives on the old model.
    await ingestOnce(marketConfig(market, old.server.url, state.path), { logger });
    expect(await titleOf(shopClient(old.server.url))).toBe(probe.title);

    // 1. New index: an empty server for the new model (its own database); the old one keeps serving.
    expect((await shopClient(next.url).info()).model).toMatchObject({ preset: 'fixture-siglip', dim: 128 });
    // 2. Re-embed into it from ingest's state, with the new model's files (interrupted once: it resumes).
    const config = { ...marketConfig(market, next.url, state.path), modelDir: resolve(MODELS, 'fixture-siglip') };
    const stop = new AbortController();
    const first = await reembedOnce(config, { logger, signal: stop.signal, onProgress: () => stop.abort() });
    expect(await titleOf(shopClient(old.server.url))).toBe(probe.title); // no gap for shoppers meanwhile
    const rest = await reembedOnce(config, { logger });
    const before = (await shopClient(old.server.url).info()).items;
    expect(first.reembedded + rest.reembedded).toBe(before.total); // sold listings too: they keep their page
    expect((await shopClient(next.url).info()).items).toEqual(before);

    // 3. Cut over: clients pointed at the new server load the model it announces and find the same listing.
    expect(await titleOf(shopClient(next.url))).toBe(probe.title);
    // A page still holding the old model is refused (409) rather than shown unrelated results; so is the reverse.
    const oldModel = await createEmbedder({ preset: 'fixture', modelDir: FIXTURE_MODEL_DIR, threads: 1 });
    const refused = await shopClient(next.url)
      .search({ vector: await oldModel.embedImage(photo), model: oldModel.fingerprint })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await oldModel.dispose();
    expect(isAPIError(refused) && refused.status).toBe(409);
    expect((refused as Error).message).toMatch(/fixture \(generated\/fixture-clip.*this index holds fixture-siglip/);

    // 4. Afterwards the scheduled runs go to the new server: nothing to re-embed, nothing lost.
    const after = await ingestOnce(config, { logger });
    expect(after).toMatchObject({ new: 0, embedded: 0 });
    const fingerprints = new Set([fingerprintOf(getPreset('fixture-siglip'))]);
    const { items } = await import('../src/state/state-store.js').then(({ StateStore }) => StateStore.peek(state.path));
    expect(new Set(Object.values(items).map((i) => i.fingerprint))).toEqual(fingerprints);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  FindThisFit,
  isAPIError,
  ModelMismatchError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
} from '@find-this-fit/sdk';
import { createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import { COLOUR_WORDS } from '@find-this-fit/testing/fixture-model';
import { colourGarmentPhoto, cropAndReencode, encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir } from '@find-this-fit/testing/paths';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { MODEL, OTHER_MODEL, PUBLISHABLE, SECRET, testConfig } from '../api/harness.js';

// The SDK against the real server and store, end to end: the happy paths and the status mapping.
let dir: string;
let store: Store;
let server: Server;
let baseURL: string;
let embedder: Embedder;
const photos = Array.from({ length: 9 }, (_, i) => syntheticPhoto(700 + i));
const colours = ['red', 'blue', 'green'] as const;
let ids: string[];

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string }> {
  const s = createServer(app.callback());
  await new Promise<void>((ready) => s.listen(0, '127.0.0.1', ready));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftf-sdk-'));
  const config = testConfig({ FTF_DATA_DIR: dir, FTF_MODEL_DIR: fixtureDir(), FTF_MAX_IMAGE_BYTES: '200000' });
  store = await createStore({ fingerprint: MODEL, dim: 128, hnsw: config.hnsw, dataDir: dir });
  ({ server, url: baseURL } = await listen(createApp({ store, config, logger: pino({ level: 'silent' }) })));
  embedder = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
  const images = [
    ...(await Promise.all(photos.map((p) => encode(p)))),
    ...(await Promise.all(colours.map((c) => encode(colourGarmentPhoto(COLOUR_WORDS[c]!))))),
  ];
  const vectors = await embedder.embedImages(images);
  const admin = new FindThisFit({ baseURL, apiKey: SECRET });
  const result = await admin.items.upsert(
    vectors.map((vector, i) => ({
      source: i % 2 ? 'depop' : 'shopify',
      externalId: `sdk-${i}`,
      title: i < photos.length ? `Photo ${i}` : `${colours[i - photos.length]} shirt`,
      size: i % 3 ? 'M' : 'L',
      price: { amount: 1000 + i * 100, currency: 'EUR' },
      url: `https://market.example/${i}`,
      imageUrl: `https://market.example/${i}.jpg`,
      vector,
    })),
    { model: MODEL, batchSize: 5 }, // 12 items → 3 requests
  );
  expect(result).toMatchObject({ inserted: 12, updated: 0 });
  ids = result.ids;
}, 120_000);

afterAll(async () => {
  await embedder?.dispose();
  await new Promise<void>((done) => server?.close(() => done()));
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const reader = (options: ConstructorParameters<typeof FindThisFit>[0] = {}) =>
  new FindThisFit({ baseURL, apiKey: PUBLISHABLE, loadEmbedder: async () => embedder, ...options });

describe('SDK ↔ server', () => {
  it('info() describes the index', async () => {
    const info = await reader().info();
    expect(info.model).toMatchObject({ preset: 'fixture', fingerprint: MODEL, dim: 128 });
    expect(info.items).toEqual({ active: 12, total: 12 });
  });

  it('searches by vector; await gives a page, for-await walks every page', async () => {
    const [query] = await embedder.embedImages([await cropAndReencode(photos[4]!, 0.05)]);
    const client = reader();
    const page = await client.search({ vector: query!, k: 3 });
    expect(page.results[0]?.id).toBe(ids[4]);
    expect(page.results).toHaveLength(3);
    expect(page.hasNextPage()).toBe(true);
    const seen: string[] = [];
    for await (const item of client.search({ vector: query!, k: 5 })) seen.push(item.id);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen[0]).toBe(ids[4]);
  });

  it('searches by image locally, and server-side when asked', async () => {
    const photo = await cropAndReencode(photos[6]!, 0.05);
    const client = reader();
    const local = await client.searchByImage(photo, { k: 2 });
    const remote = await client.searchByImage(photo, { k: 2, server: true });
    expect(local.results[0]?.id).toBe(ids[6]);
    expect(remote.results[0]?.id).toBe(ids[6]);
    // Server-side pages continue with the cursor (the photo is sent again) and honour filters.
    const seen: string[] = [];
    for await (const item of client.searchByImage(photo, { k: 4, server: true, filters: { sources: ['depop'] } })) {
      seen.push(item.id);
      expect(item.source).toBe('depop');
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('sends the query dtype the local model ran in, and refuses one the server does not admit', async () => {
    // What a WebGPU embedder presents: the index contract, vectors computed in fp32 (here by the fp32 files on CPU).
    const fp32 = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), dtype: 'fp32', threads: 1 });
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (typeof init?.body === 'string' && init.body.includes('"vector"')) sent.push(JSON.parse(init.body).model);
      return fetch(input, init);
    };
    const asWebGpu = (queryFingerprint: string): Embedder =>
      Object.assign(Object.create(fp32) as Embedder, { fingerprint: MODEL, queryFingerprint, dtype: 'fp32' });
    try {
      const info = await reader().info();
      const fp32Fingerprint = info.model.queryDtypes?.find((q) => q.dtype === 'fp32')?.fingerprint;
      expect(fp32Fingerprint).toBe(fp32.fingerprint);
      const client = reader({ fetch: recording, loadEmbedder: async () => asWebGpu(fp32.fingerprint) });
      const page = await client.searchByImage(await cropAndReencode(photos[6]!, 0.05), { k: 1 });
      expect(page.results[0]?.id).toBe(ids[6]);
      expect(sent).toEqual([fp32.fingerprint]);

      const refused = await reader({ fetch: recording, loadEmbedder: async () => asWebGpu(OTHER_MODEL) })
        .searchByText('a red shirt')
        .catch((e: unknown) => e);
      expect(String(refused)).toMatch(/does not accept query vectors in this model's fp32/);
      expect(sent).toHaveLength(1);
    } finally {
      await fp32.dispose();
    }
  });

  it('falls back to server-side embedding when the local model cannot load', async () => {
    const client = reader({ loadEmbedder: () => Promise.reject(new Error('no WebGPU, no WASM, no luck')) });
    const page = await client.searchByImage(await encode(photos[2]!), { k: 1 });
    expect(page.results[0]?.id).toBe(ids[2]);
  });

  it('searches by text with the text encoder, with filters', async () => {
    const page = await reader().searchByText('a blue shirt', { k: 1, filters: { sources: ['depop', 'shopify'] } });
    expect(page.results[0]?.title).toBe('blue shirt');
  });

  it('finds more like this without inference, excluding the item itself', async () => {
    const page = await reader().similar(ids[1]!, { k: 4 });
    expect(page.results.map((r) => r.id)).not.toContain(ids[1]);
    expect(page.results).toHaveLength(4);
  });

  it('manages items with a secret key: get, setStatus (sold leaves search), delete', async () => {
    const admin = new FindThisFit({ baseURL, apiKey: SECRET, loadEmbedder: async () => embedder });
    expect(await admin.items.get(ids[0]!)).toMatchObject({
      title: 'Photo 0',
      price: { amount: 1000, currency: 'EUR' },
    });
    expect(await admin.items.setStatus(ids[0]!, 'sold')).toMatchObject({ status: 'sold' });
    const [query] = await embedder.embedImages([await encode(photos[0]!)]);
    expect((await admin.search({ vector: query!, k: 12 })).results.map((r) => r.id)).not.toContain(ids[0]);
    await admin.items.setStatus(ids[0]!, 'active');
    await admin.items.delete(ids[8]!);
    await expect(admin.items.get(ids[8]!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('maps real error statuses to their classes', async () => {
    const bad = await new FindThisFit({ baseURL, apiKey: 'pk_nope' }).info().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AuthenticationError);
    expect((bad as AuthenticationError).requestId).toMatch(/.+/);
    const denied = await reader()
      .items.delete(ids[1]!)
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    const mismatch = await reader()
      .search({ vector: new Array(128).fill(0.1), model: OTHER_MODEL })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(ModelMismatchError);
    expect((mismatch as Error).message).toContain('clip-vit-b32');
    expect((mismatch as Error).message).toContain('fixture');
    const big = Buffer.concat([await encode(photos[0]!), Buffer.alloc(300_000)]);
    const tooLarge = await reader()
      .searchByImage(big, { server: true })
      .catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(PayloadTooLargeError);
  });

  it('surfaces 429 with Retry-After from a rate-limited server', async () => {
    const config = testConfig({ FTF_DATA_DIR: dir, FTF_RATE_LIMIT_RPS: '1', FTF_RATE_LIMIT_BURST: '1' });
    const limited = await listen(createApp({ store, config, logger: pino({ level: 'silent' }) }));
    try {
      const client = new FindThisFit({ baseURL: limited.url, apiKey: PUBLISHABLE, maxRetries: 0 });
      await client.info();
      const error = await client.info().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(isAPIError(error) && Number(error.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((done) => limited.server.close(() => done()));
    }
  });
});

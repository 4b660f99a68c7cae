import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fingerprintOf, getPreset, type ListingUpsert } from '@find-this-fit/sdk';
import type { Embedder } from '@find-this-fit/sdk/embedder';
import pino from 'pino';
import { createApp, type FindThisFitApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import {
  type Backend as StoreBackend,
  pgliteBackend as storePglite,
  postgresBackend as storePostgres,
} from '../store/backends.js';

/** The real generated fixture model: its fingerprint is one the sdk can name in 409 messages. */
export const PRESET = getPreset('fixture');
export const DIM = PRESET.dim;
export const MODEL = fingerprintOf(PRESET);
export const OTHER_MODEL = fingerprintOf(getPreset('clip-vit-b32'));

export const SECRET = 'sk_test_secret_0001';
export const PUBLISHABLE = 'pk_test_public_0001';
export const PUBLISHABLE_SHOP = 'pk_test_shop_0001';
export const SHOP_ORIGIN = 'https://shop.example';

/** Test config through the real loader; rate limiting effectively off unless a test asks for it. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    FTF_MODEL: 'fixture',
    FTF_SECRET_KEYS: SECRET,
    FTF_PUBLISHABLE_KEYS: `${PUBLISHABLE},${PUBLISHABLE_SHOP}=${SHOP_ORIGIN}|https://m.shop.example`,
    FTF_RATE_LIMIT_RPS: '100000',
    FTF_RATE_LIMIT_BURST: '100000',
    ...env,
  });
}

/** A back end to run the API suite on: PGlite in a temp dir, or PostgreSQL in a fresh schema. */
export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const storeOptions = { fingerprint: MODEL, dim: DIM, hnsw: { m: 16, efConstruction: 64, efSearch: 64 } };

/** The store suite's locations (temp dirs, fresh schemas, their cleanup), opened through `createStore`. */
function apiBackend(locations: StoreBackend): Backend {
  return {
    name: locations.name,
    open: () => createStore({ ...storeOptions, ...locations.newLocation(), poolSize: 4 }),
    cleanup: () => locations.cleanup(),
  };
}

export const pgliteBackend = (): Backend => apiBackend(storePglite());
export const postgresBackend = (url: string): Backend => apiBackend(storePostgres(url));
export { postgresUrl } from '../store/backends.js';

export interface TestServer {
  url: string;
  app: FindThisFitApp;
  config: Config;
  close(): Promise<void>;
}

/** The app in-process on an ephemeral port; never the global prom registry, never a mock store. */
export async function serve(store: Store, config: Config, embedder?: Embedder): Promise<TestServer> {
  const app = createApp({ store, config, logger: pino({ level: 'silent' }), ...(embedder ? { embedder } : {}) });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A dense vector from sparse components, e.g. `vec({ 0: 1, 1: 0.3 })`. */
export function vec(components: Record<number, number>): number[] {
  const out = new Array<number>(DIM).fill(0);
  for (const [i, v] of Object.entries(components)) out[Number(i)] = v;
  return out;
}

/** Cosine similarity: the sdk's, one implementation for everyone. */
export { cosineSimilarity as cosine } from '@find-this-fit/sdk';

export function listing(externalId: string, vector: number[], extra: Partial<ListingUpsert> = {}): ListingUpsert {
  return {
    source: 'depop',
    externalId,
    title: `Listing ${externalId}`,
    url: `https://example.com/${externalId}`,
    imageUrl: `https://example.com/${externalId}.jpg`,
    vector,
    ...extra,
  };
}

/** fetch with a key and JSON body helpers. */
export function client(base: string, key: string | null = SECRET) {
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}) };
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { ...headers, ...init.headers },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
    return { status: response.status, headers: response.headers, json: json as any, text };
  };
}

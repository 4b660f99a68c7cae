import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVector } from '@find-this-fit/sdk';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { DIM, MODEL, OTHER_MODEL, PUBLISHABLE, SECRET, testConfig } from '../api/harness.js';

// Thousands of random and malformed requests against a real server on a real store:
// never a 5xx, always the documented error body, the process stays up, stored data unchanged.
const RUNS = Number(process.env.FTF_FUZZ_RUNS ?? 2000);
let dir: string;
let store: Store;
let server: Server;
let base: string;
let snapshot: string;

const unit = (seed: number) => {
  const v = Array.from({ length: DIM }, (_, i) => Math.sin(seed * 31 + i * 7));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

async function dataSnapshot(): Promise<string> {
  const counts = await store.counts();
  const rows = [];
  for (let id = 1; id <= 12; id++) {
    const item = await store.get(String(id));
    const vector = await store.getVector(String(id));
    rows.push({ item, vector: vector ? Array.from(vector).map((x) => x.toFixed(5)) : null });
  }
  return JSON.stringify({ counts, rows });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftf-fuzz-'));
  const config = testConfig({ FTF_DATA_DIR: dir, FTF_MAX_BODY_BYTES: '8192', FTF_MAX_ADMIN_BODY_BYTES: '65536' });
  store = await createStore({ fingerprint: MODEL, dim: DIM, hnsw: config.hnsw, dataDir: dir });
  const app = createApp({ store, config, logger: pino({ level: 'silent' }) });
  server = createServer(app.callback());
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const items = Array.from({ length: 12 }, (_, i) => ({
    source: i % 2 ? 'depop' : 'shopify',
    externalId: `seed-${i}`,
    title: `Seed ${i}`,
    brand: 'Acme',
    size: 'M',
    price: { amount: 1000 + i, currency: 'EUR' },
    url: `https://market.example/${i}`,
    imageUrl: `https://market.example/${i}.jpg`,
    vector: encodeVector(unit(i)),
  }));
  const seeded = await fetch(`${base}/v1/items`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, items }),
  });
  expect(seeded.status).toBe(200);
  snapshot = await dataSnapshot();
}, 120_000);

afterAll(async () => {
  await new Promise<void>((done) => server?.close(() => done()));
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const paths = [
  '/v1/info',
  '/v1/search',
  '/v1/search/image',
  '/v1/items',
  '/v1/items/1',
  '/v1/items/1/similar',
  '/v1/items/1/status',
  '/v1/items/999999999999999999999',
  '/v1/items/-1',
  '/v1/items/abc',
  '/v1/items/%00',
  '/v1/items/..%2F..%2Fetc',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/',
  '/v2/search',
  '/v1/search/',
  '//v1//search',
];
const validSearch = { model: MODEL, vector: encodeVector(unit(3)), k: 5 };
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.constant('{"model": "x", "vector": [1,2'), // truncated JSON
  fc.constant('{'.repeat(5000)), // deep nesting
  fc.constant('x'.repeat(20_000)), // over the search body limit
  // Valid-shaped searches with one field replaced by anything.
  fc
    .record({
      field: fc.constantFrom('model', 'vector', 'k', 'filters', 'minScore', 'cursor', 'collapseDuplicates'),
      value: fc.anything(),
    })
    .map(({ field, value }) => JSON.stringify({ ...validSearch, [field]: value })),
  fc.constantFrom(
    JSON.stringify({ ...validSearch, model: OTHER_MODEL }),
    JSON.stringify({ ...validSearch, vector: Array(DIM).fill(0) }),
    JSON.stringify({ ...validSearch, vector: [...unit(1).slice(1), 'NaN'] }),
    JSON.stringify({ ...validSearch, vector: { dtype: 'float16', base64: '////' } }),
    JSON.stringify({ ...validSearch, k: 1e9 }),
    JSON.stringify({ ...validSearch, cursor: 'bm90IGEgY3Vyc29y' }),
    JSON.stringify({ ...validSearch, filters: { price: { min: 10, max: 1, currency: 'EURO' } } }),
    JSON.stringify({ model: MODEL, items: [{ source: 'x', externalId: 'y', vector: unit(1) }] }),
    JSON.stringify({ status: 'sold' }),
  ),
);
// Weighted towards requests that get past routing and auth, so the validators see most of the traffic.
const weighted = <T>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: common, weight: 6 }, { arbitrary: rare, weight: 1 });
const routes: [string, string][] = [
  ['POST', '/v1/search'],
  ['POST', '/v1/search'],
  ['POST', '/v1/search'],
  ['POST', '/v1/search/image'],
  ['PUT', '/v1/items'],
  ['GET', '/v1/items/1'],
  ['GET', '/v1/items/1/similar'],
  ['POST', '/v1/items/1/status'],
  ['DELETE', '/v1/items/1'],
  ['GET', '/v1/info'],
];
const endpoint = weighted(
  fc.constantFrom(...routes),
  fc.tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    fc.oneof(fc.constantFrom(...paths), fc.webPath()),
  ),
);
const request = fc.record({
  endpoint,
  query: fc.oneof(
    fc.constant(''),
    fc.webQueryParameters().map((q) => `?${q}`),
    fc.constantFrom('?k=-1', '?k=1e99', '?cursor=%ff', '?k=5&k=6'),
  ),
  key: weighted(
    fc.constant(PUBLISHABLE),
    fc.constantFrom(undefined, 'pk_unknown', 'sk_wrong_secret', `${PUBLISHABLE}x`, ''),
  ),
  keyHeader: fc.constantFrom('authorization', 'x-api-key'),
  contentType: weighted(
    fc.constant('application/json'),
    fc.constantFrom(
      undefined,
      'text/plain',
      'image/png',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '*/*',
    ),
  ),
  requestId: fc.constantFrom(undefined, 'abc', 'x'.repeat(500), '\u00e9\u00e8'),
  body,
});

it(`answers ${RUNS} random and malformed requests without a 5xx, keeping the data`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers: Record<string, string> = {};
      if (r.key !== undefined) headers[r.keyHeader] = r.keyHeader === 'authorization' ? `Bearer ${r.key}` : r.key;
      if (r.contentType) headers['content-type'] = r.contentType;
      if (r.requestId && /^[\x20-\x7e]*$/.test(r.requestId)) headers['x-request-id'] = r.requestId;
      const [method, path] = r.endpoint;
      const hasBody = r.body !== undefined && method !== 'GET' && method !== 'HEAD';
      const response = await fetch(`${base}${path}${r.query}`, {
        method,
        headers,
        ...(hasBody ? { body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) } : {}),
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, `${method} ${path}${r.query} → ${text.slice(0, 200)}`).toBeLessThan(500);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      if (response.status >= 400 && method !== 'HEAD') {
        const parsed = JSON.parse(text) as { error: { code: unknown; message: unknown } };
        expect(typeof parsed.error.code).toBe('string');
        expect(typeof parsed.error.message).toBe('string');
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.FTF_FUZZ_SEED ?? 20261126) },
  );
  console.info(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  expect(await dataSnapshot()).toBe(snapshot);
}, 600_000);

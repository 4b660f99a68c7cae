import { encodeVector, fingerprintOf, getPreset, type ListingUpsert } from '@find-this-fit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import {
  type Backend,
  client,
  cosine,
  listing,
  MODEL,
  OTHER_MODEL,
  PUBLISHABLE,
  PUBLISHABLE_SHOP,
  SECRET,
  SHOP_ORIGIN,
  serve,
  type TestServer,
  testConfig,
  vec,
} from './harness.js';

const BRANDS = ['Levi', 'Nike', 'Zara'] as const;
const SIZES = ['S', 'M', 'L', 'XL'] as const;
const CONDITIONS = ['new', 'good', 'fair'] as const;

/** 12 listings on an arc from e0 towards e1: the nearer to e0, the better the score for query e0. */
const MAIN: ListingUpsert[] = Array.from({ length: 12 }, (_, i) =>
  listing(`m${i}`, vec({ 0: 1, 1: i * 0.15 }), {
    source: i % 2 ? 'vinted' : 'depop',
    brand: BRANDS[i % 3] as string,
    size: SIZES[i % 4] as string,
    category: i < 6 ? 'jeans' : 'jackets',
    condition: CONDITIONS[i % 3] as (typeof CONDITIONS)[number],
    price: { amount: 1000 + i * 500, currency: i === 11 ? 'GBP' : 'EUR' },
  }),
);
/** Near-duplicate pairs around e5 (own source): c1 ≈ c0 and c3 ≈ c2 (cosine ≥ 0.98); c0 vs c2 is not. */
const DUPES: ListingUpsert[] = [
  listing('c0', vec({ 5: 1 }), { source: 'dupes' }),
  listing('c1', vec({ 5: 1, 6: 0.05 }), { source: 'dupes' }),
  listing('c2', vec({ 5: 1, 6: 0.5 }), { source: 'dupes' }),
  listing('c3', vec({ 5: 1, 6: 0.52 }), { source: 'dupes' }),
];
const ALL = [...MAIN, ...DUPES];
const Q = vec({ 0: 1 });

export function defineApiSuite(backend: Backend): void {
  describe(`API (${backend.name})`, () => {
    let store: Store;
    let server: TestServer;
    let api: ReturnType<typeof client>;
    const idOf = new Map<string, string>();
    const extOf = (id: string) => [...idOf].find(([, v]) => v === id)?.[0];
    const search = (body: Record<string, unknown>) =>
      api('/v1/search', { body: { model: MODEL, vector: Q, ...body } }).then((r) => {
        expect(r.status, r.text).toBe(200);
        return r.json as { results: { id: string; score: number }[]; nextCursor?: string; model: string };
      });
    const ext = (results: { id: string }[]) => results.map((r) => extOf(r.id));

    beforeAll(async () => {
      store = await backend.open();
      server = await serve(store, testConfig());
      api = client(server.url);
      const put = await api('/v1/items', { method: 'PUT', body: { model: MODEL, items: ALL } });
      expect(put.status, put.text).toBe(200);
      expect(put.json.inserted).toBe(ALL.length);
      for (const [i, item] of ALL.entries()) idOf.set(item.externalId, put.json.ids[i]);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
      await backend.cleanup();
    });

    it('upserts idempotently by (source, externalId)', async () => {
      const again = await api('/v1/items', { method: 'PUT', body: { model: MODEL, items: ALL } });
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ inserted: 0, updated: ALL.length });
      expect(again.json.ids).toEqual(ALL.map((i) => idOf.get(i.externalId)));
      const info = await api('/v1/info');
      expect(info.json.items).toEqual({ active: ALL.length, total: ALL.length });
    });

    it('GET /v1/info describes model, index and limits', async () => {
      const r = await api('/v1/info');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        name: 'find-this-fit',
        model: {
          preset: 'fixture',
          dim: 128,
          dtype: 'q8',
          fingerprint: MODEL,
          // The index's own dtype first, then the preset's parity-tested query dtypes (WebGPU: fp16/fp32).
          queryDtypes: [
            { dtype: 'q8', fingerprint: MODEL },
            { dtype: 'fp16', fingerprint: fingerprintOf(getPreset('fixture', { dtype: 'fp16' })) },
            { dtype: 'fp32', fingerprint: fingerprintOf(getPreset('fixture', { dtype: 'fp32' })) },
          ],
        },
        index: { kind: 'hnsw', m: 16, efConstruction: 64, efSearch: 64, vectorType: 'vector', distance: 'cosine' },
        limits: { maxK: 100, maxBatch: 500 },
        imageSearch: false,
      });
    });

    it('orders results by score, scores are cosine similarities', async () => {
      const { results, model } = await search({ k: 12, filters: { sources: ['depop', 'vinted'] } });
      expect(model).toBe(MODEL);
      expect(ext(results)).toEqual(MAIN.map((m) => m.externalId));
      results.forEach((r, i) => {
        expect(r.score).toBeCloseTo(cosine(Q, MAIN[i]?.vector as number[]), 4);
      });
      expect(results[0]).toMatchObject({
        title: 'Listing m0',
        price: { amount: 1000, currency: 'EUR' },
        brand: 'Levi',
      });
    });

    it('accepts the compact float16 vector form', async () => {
      const plain = await search({ k: 5 });
      const compact = await search({ k: 5, vector: encodeVector(Q, 'float16') });
      expect(ext(compact.results)).toEqual(ext(plain.results));
    });

    const expectFilter = async (filters: Record<string, unknown>, keep: (m: ListingUpsert, i: number) => boolean) => {
      const { results } = await search({ k: 50, filters });
      const expected = MAIN.filter(keep).map((m) => m.externalId);
      expect(expected.length).toBeGreaterThan(0);
      expect(ext(results)).toEqual(expected);
    };
    it('filters by price range and currency', () =>
      expectFilter({ price: { min: 2000, max: 4000, currency: 'EUR' } }, (_m, i) => i >= 2 && i <= 6));
    it('filters by sizes', () => expectFilter({ sizes: ['M', 'XL'] }, (m) => m.size === 'M' || m.size === 'XL'));
    it('filters by brands', () => expectFilter({ brands: ['Nike'] }, (m) => m.brand === 'Nike'));
    it('filters by categories', () => expectFilter({ categories: ['jackets'] }, (m) => m.category === 'jackets'));
    it('filters by conditions', () => expectFilter({ conditions: ['fair'] }, (m) => m.condition === 'fair'));
    it('filters by sources', () => expectFilter({ sources: ['vinted'] }, (m) => m.source === 'vinted'));

    it('drops results below minScore', async () => {
      const minScore = cosine(Q, MAIN[4]?.vector as number[]) - 1e-4;
      const { results } = await search({ k: 50, minScore });
      expect(ext(results)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    });

    it('pages with cursors over every result without duplicates', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search({ k: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.results.map((r) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(Math.ceil(ALL.length / 5));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual([...idOf.values()].sort());
      const full = await search({ k: 50 });
      expect(full.nextCursor).toBeUndefined();
    });

    it('refuses a cursor reused with another query', async () => {
      const first = await search({ k: 2 });
      expect(first.nextCursor).toBeDefined();
      const r = await api('/v1/search', {
        body: { model: MODEL, vector: vec({ 1: 1 }), k: 2, cursor: first.nextCursor },
      });
      expect(r.status).toBe(400);
      expect(r.json.error.details.fields[0].field).toBe('cursor');
      const garbage = await api('/v1/search', { body: { model: MODEL, vector: Q, cursor: 'not-a-cursor' } });
      expect(garbage.status).toBe(400);
    });

    it('collapses near-duplicates when asked, keeping pages full', async () => {
      const q = vec({ 5: 1 });
      const plain = await search({ vector: q, k: 4, filters: { sources: ['dupes'] } });
      expect(ext(plain.results)).toEqual(['c0', 'c1', 'c2', 'c3']);
      const collapsed = await search({ vector: q, k: 2, filters: { sources: ['dupes'] }, collapseDuplicates: true });
      expect(ext(collapsed.results)).toEqual(['c0', 'c2']);
      expect(collapsed.nextCursor).toBeUndefined();
    });

    it('excludes sold and removed listings by default; statuses filter brings them back', async () => {
      const sold = idOf.get('m0') as string;
      const r = await api(`/v1/items/${sold}/status`, { body: { status: 'sold' } });
      expect(r.status).toBe(200);
      expect(r.json.status).toBe('sold');
      const removed = idOf.get('m1') as string;
      expect((await api(`/v1/items/${removed}/status`, { body: { status: 'removed' } })).status).toBe(200);
      try {
        const active = await search({ k: 3 });
        expect(ext(active.results)).toEqual(['m2', 'm3', 'm4']);
        const soldOnly = await search({ k: 3, filters: { statuses: ['sold'] } });
        expect(ext(soldOnly.results)).toEqual(['m0']);
        const both = await search({ k: 3, filters: { statuses: ['active', 'sold', 'removed'] } });
        expect(ext(both.results)).toEqual(['m0', 'm1', 'm2']);
      } finally {
        await api(`/v1/items/${sold}/status`, { body: { status: 'active' } });
        await api(`/v1/items/${removed}/status`, { body: { status: 'active' } });
      }
    });

    it('GET /v1/items/:id returns a listing; unknown or non-numeric ids are 404', async () => {
      const id = idOf.get('m3') as string;
      const r = await api(`/v1/items/${id}`);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ id, externalId: 'm3', source: 'vinted', status: 'active' });
      for (const bad of ['abc', '99999999', '1e3', '-1', '99999999999999999999999']) {
        const miss = await api(`/v1/items/${bad}`);
        expect(miss.status, bad).toBe(404);
        expect(miss.json.error.code).toBe('not_found');
      }
    });

    it('GET /v1/items/:id/similar finds neighbours, excluding the item itself, with paging', async () => {
      const id = idOf.get('m5') as string;
      const r = await api(`/v1/items/${id}/similar?k=2`);
      expect(r.status).toBe(200);
      expect(ext(r.json.results)).toEqual(['m6', 'm4']);
      const next = await api(`/v1/items/${id}/similar?k=2&cursor=${r.json.nextCursor}`);
      expect(ext(next.json.results)).toEqual(['m7', 'm3']);
      expect((await api('/v1/items/424242424/similar')).status).toBe(404);
    });

    it('DELETE /v1/items/:id removes a listing', async () => {
      const extra = await api('/v1/items', {
        method: 'PUT',
        body: { model: MODEL, items: [listing('tmp', vec({ 9: 1 }), { source: 'tmp' })] },
      });
      const id = extra.json.ids[0];
      expect((await api(`/v1/items/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await api(`/v1/items/${id}`)).status).toBe(404);
      expect((await api(`/v1/items/${id}`, { method: 'DELETE' })).status).toBe(404);
    });

    describe('errors', () => {
      const expectError = (r: Awaited<ReturnType<typeof api>>, status: number, code: string) => {
        expect(r.status, r.text).toBe(status);
        expect(r.json.error.code).toBe(code);
        expect(typeof r.json.error.message).toBe('string');
        expect(r.headers.get('x-request-id')).toMatch(/\S/);
      };

      it('400 names the bad field', async () => {
        const cases: [unknown, string][] = [
          [{ model: MODEL, vector: [1, 2, 3] }, 'vector'],
          [{ model: MODEL, vector: Q.map((x, i) => (i === 12 ? 'x' : x)) }, 'vector[12]'],
          [{ model: MODEL, vector: Q.map((x, i) => (i === 7 ? 1e39 : x)) }, 'vector[7]'],
          [{ model: MODEL, vector: vec({}) }, 'vector'],
          [{ model: MODEL, vector: { dtype: 'float32', base64: '!!!!' } }, 'vector.base64'],
          [{ model: MODEL, vector: Q, filters: { price: { min: 5, max: 1, currency: 'EUR' } } }, 'filters.price.min'],
          [{ model: MODEL, vector: Q, k: 0 }, 'k'],
          [{ model: MODEL, vector: Q, k: 101 }, 'k'],
          [{ model: MODEL, vector: Q, filters: { conditions: ['mint'] } }, 'filters.conditions[0]'],
          [{ model: MODEL, vector: Q, colour: 'red' }, 'colour'],
          [{ vector: Q }, 'model'],
        ];
        for (const [body, field] of cases) {
          const r = await api('/v1/search', { body });
          expectError(r, 400, 'invalid_request');
          expect(
            r.json.error.details.fields.map((f: { field: string }) => f.field),
            JSON.stringify(body).slice(0, 80),
          ).toContain(field);
        }
        // NaN and Infinity in base64 float32.
        const bytes = new Float32Array(Q);
        bytes[3] = Number.NaN;
        const nan = Buffer.from(bytes.buffer).toString('base64');
        const r = await api('/v1/search', { body: { model: MODEL, vector: { dtype: 'float32', base64: nan } } });
        expectError(r, 400, 'invalid_request');
        expect(r.json.error.details.fields[0].field).toBe('vector[3]');
        expectError(await api('/v1/search', { body: '{"model":' }), 400, 'invalid_request');
      });

      it('400 names the item of a bad upsert, and nothing is written', async () => {
        const items = [listing('x0', vec({ 3: 1 })), listing('x1', [1, 2])];
        const r = await api('/v1/items', { method: 'PUT', body: { model: MODEL, items } });
        expectError(r, 400, 'invalid_request');
        expect(r.json.error.message).toContain('items[1].vector');
        const info = await api('/v1/info');
        expect(info.json.items.total).toBe(ALL.length);
      });

      it('409 on a model mismatch names both models', async () => {
        const r = await api('/v1/search', { body: { model: OTHER_MODEL, vector: Q } });
        expectError(r, 409, 'model_mismatch');
        expect(r.json.error.message).toContain('clip-vit-b32');
        expect(r.json.error.message).toContain('fixture');
        expect(r.json.error.details).toEqual({ expected: MODEL, received: OTHER_MODEL });
        const put = await api('/v1/items', { method: 'PUT', body: { model: OTHER_MODEL, items: [listing('y', Q)] } });
        expectError(put, 409, 'model_mismatch');
      });

      it('accepts queries in the dtypes /v1/info lists, and only those; items only in the index dtype', async () => {
        const info = await api('/v1/info');
        const listed = info.json.model.queryDtypes as { dtype: string; fingerprint: string }[];
        expect(listed.map((q) => q.dtype)).toEqual(['q8', 'fp16', 'fp32']);
        const plain = await api('/v1/search', { body: { model: MODEL, vector: Q, k: 5 } });
        for (const { fingerprint } of listed) {
          const r = await api('/v1/search', { body: { model: fingerprint, vector: Q, k: 5 } });
          expect(r.status).toBe(200);
          // The same vector finds the same listings whichever admitted dtype produced it.
          expect(ext(r.json.results)).toEqual(ext(plain.json.results));
          expect(r.json.model).toBe(MODEL);
        }
        // Same model, a dtype no parity test admitted (q4 uses int4 ops): refused, and the message says what is.
        const q4 = fingerprintOf(getPreset('fixture', { dtype: 'q4' }));
        const refused = await api('/v1/search', { body: { model: q4, vector: Q } });
        expectError(refused, 409, 'model_mismatch');
        expect(refused.json.error.message).toContain('fixture (generated/fixture-clip, q4, 128-d)');
        expect(refused.json.error.message).toContain('fp16 or fp32');
        expect(refused.json.error.details).toEqual({ expected: MODEL, received: q4 });
        // The index is built with one dtype: an fp32 upsert is refused even though fp32 queries are welcome.
        const fp32 = listed.find((q) => q.dtype === 'fp32')!.fingerprint;
        const put = await api('/v1/items', { method: 'PUT', body: { model: fp32, items: [listing('z', Q)] } });
        expectError(put, 409, 'model_mismatch');
        expect((await api('/v1/info')).json.items.total).toBe(info.json.items.total);
      });

      it('413 past the body cap, 415 for non-JSON', async () => {
        const huge = JSON.stringify({ model: MODEL, vector: Q, pad: 'x'.repeat(70 * 1024) });
        expectError(await api('/v1/search', { body: huge }), 413, 'payload_too_large');
        const tooMany = Array.from({ length: 501 }, (_, i) => listing(`b${i}`, Q));
        expectError(
          await api('/v1/items', { method: 'PUT', body: { model: MODEL, items: tooMany } }),
          413,
          'payload_too_large',
        );
        const r = await fetch(`${server.url}/v1/search`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'text/plain' },
          body: JSON.stringify({ model: MODEL, vector: Q }),
        });
        expect(r.status).toBe(415);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      });

      it('401 without or with an unknown key; 403 for a publishable key on admin', async () => {
        expectError(await client(server.url, null)('/v1/info'), 401, 'unauthorized');
        expectError(await client(server.url, 'sk_wrong_key_000')('/v1/info'), 401, 'unauthorized');
        const viaHeader = await client(server.url, null)('/v1/info', { headers: { 'x-api-key': PUBLISHABLE } });
        expect(viaHeader.status).toBe(200);
        const pub = client(server.url, PUBLISHABLE);
        expect((await pub('/v1/search', { body: { model: MODEL, vector: Q } })).status).toBe(200);
        expectError(await pub('/v1/items', { method: 'PUT', body: { model: MODEL, items: [] } }), 403, 'forbidden');
        expectError(await pub(`/v1/items/${idOf.get('m0')}`, { method: 'DELETE' }), 403, 'forbidden');
      });

      it('403 for a publishable key from an origin it does not allow', async () => {
        const shop = client(server.url, PUBLISHABLE_SHOP);
        const ok = await shop('/v1/search', {
          body: { model: MODEL, vector: Q, k: 1 },
          headers: { origin: SHOP_ORIGIN },
        });
        expect(ok.status).toBe(200);
        expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
        expectError(await shop('/v1/info', { headers: { origin: 'https://evil.example' } }), 403, 'origin_not_allowed');
        expectError(await shop('/v1/info'), 403, 'origin_not_allowed');
      });

      it('404 for unknown routes with the error body', async () => {
        expectError(await api('/v1/nothing'), 404, 'not_found');
      });
    });

    describe('other configurations on the same store', () => {
      it('open mode searches without a key but admin still needs a secret key', async () => {
        const open = await serve(store, testConfig({ FTF_OPEN: 'true' }));
        try {
          const anon = client(open.url, null);
          expect((await anon('/v1/search', { body: { model: MODEL, vector: Q, k: 1 } })).status).toBe(200);
          expect((await anon('/v1/info')).status).toBe(200);
          expect((await anon('/v1/items', { method: 'PUT', body: { model: MODEL, items: [] } })).status).toBe(401);
          expect((await client(open.url, 'sk_wrong_key_000')('/v1/info')).status).toBe(401);
        } finally {
          await open.close();
        }
      });

      it('admin is disabled (403) without secret keys', async () => {
        const noAdmin = await serve(store, testConfig({ FTF_SECRET_KEYS: '' }));
        try {
          const r = await client(noAdmin.url, PUBLISHABLE)('/v1/items', {
            method: 'PUT',
            body: { model: MODEL, items: [] },
          });
          expect(r.status).toBe(403);
          expect(r.json.error.code).toBe('admin_disabled');
        } finally {
          await noAdmin.close();
        }
      });

      it('429 with Retry-After once the bucket is empty', async () => {
        const limited = await serve(store, testConfig({ FTF_RATE_LIMIT_RPS: '1', FTF_RATE_LIMIT_BURST: '3' }));
        try {
          const pub = client(limited.url, PUBLISHABLE);
          const statuses: number[] = [];
          let last: Awaited<ReturnType<typeof pub>> | undefined;
          for (let i = 0; i < 5; i++) {
            last = await pub('/v1/info');
            statuses.push(last.status);
          }
          expect(statuses).toEqual([200, 200, 200, 429, 429]);
          expect(last?.json.error.code).toBe('rate_limited');
          expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          // Another key has its own bucket; probes are never limited.
          expect((await client(limited.url, SECRET)('/v1/info')).status).toBe(200);
          expect((await pub('/healthz')).status).toBe(200);
        } finally {
          await limited.close();
        }
      });
    });

    it('x-request-id: a sane incoming id is echoed, anything else replaced', async () => {
      const echoed = await api('/healthz', { headers: { 'x-request-id': 'abc-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('abc-123');
      const replaced = await api('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('/healthz, /readyz, /openapi.json and /metrics', async () => {
      expect((await api('/healthz')).json).toEqual({ status: 'ok' });
      expect((await api('/readyz')).json).toMatchObject({ status: 'ready', store: backend.name, model: MODEL });
      const doc = await api('/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe('3.1.0');
      expect(Object.keys(doc.json.paths).sort()).toEqual(
        [
          '/healthz',
          '/metrics',
          '/openapi.json',
          '/readyz',
          '/v1/info',
          '/v1/items',
          '/v1/items/{id}',
          '/v1/items/{id}/similar',
          '/v1/items/{id}/status',
          '/v1/search',
          '/v1/search/image',
        ].sort(),
      );
      expect(doc.json.components.schemas.SearchRequest.properties.k.maximum).toBe(100);
      expect(doc.json.components.schemas.ErrorBody).toBeDefined();
      const metrics = await api('/metrics');
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(metrics.text).toMatch(/ftf_http_requests_total\{method="POST",route="\/v1\/search",status="200"\} \d+/);
      expect(metrics.text).toContain('ftf_http_request_duration_seconds_bucket');
      expect(metrics.text).toMatch(/ftf_search_duration_seconds_count\{endpoint="vector"\} [1-9]/);
      expect(metrics.text).toContain('ftf_search_results_bucket');
      expect(metrics.text).toMatch(
        new RegExp(`ftf_store_connections\\{backend="${backend.name}",state="total"\\} \\d`),
      );
      expect(metrics.text).toContain(
        'ftf_index_info{kind="hnsw",vector_type="vector",m="16",ef_construction="64",ef_search="64"} 1',
      );
    });

    it('503 once the store is closed (readyz and search)', async () => {
      const own = await backend.open();
      const s = await serve(own, testConfig());
      try {
        await own.close();
        const r = await client(s.url)('/readyz');
        expect(r.status).toBe(503);
        expect(r.json.error.code).toBe('not_ready');
        const q = await client(s.url)('/v1/search', { body: { model: MODEL, vector: Q } });
        expect(q.status).toBe(503);
        expect(q.json.error.code).toBe('unavailable');
      } finally {
        await s.close();
      }
    });
  });
}

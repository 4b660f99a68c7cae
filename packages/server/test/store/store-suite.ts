import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors, meanRecall, seededRandom } from '../../bench/synthetic.js';
import { nextSearchAfter, StoreError } from '../../src/store/index.js';
import { REBUILD_AT_START_MAX_ROWS } from '../../src/store/migrations.js';
import { buildSearch } from '../../src/store/search-sql.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { SearchAfter, SearchQuery, StoreHit } from '../../src/store/types.js';
import { type Backend, config } from './backends.js';
import { atAngle, axis, item, randomUnit } from './fixtures.js';

const DIM = 32;
const ids = (hits: readonly StoreHit[]) => hits.map((h) => h.id);

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

/** Pages through a whole query with the keyset cursor, the way the HTTP layer does. */
async function pageAll(store: SqlStore, query: Omit<SearchQuery, 'after'>, pageSize: number) {
  const pages: StoreHit[][] = [];
  let after: SearchAfter | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.search({ ...query, k: pageSize, ...(after ? { after } : {}) });
    if (page.length === 0) break;
    pages.push(page);
    after = nextSearchAfter(page, after);
  }
  return pages.flat();
}

/** The behaviour both back ends must share. */
export function defineStoreSuite(backend: Backend) {
  afterAll(() => backend.cleanup());

  describe(`${backend.name}: search ordering, filters and paging`, () => {
    let store: SqlStore;
    const angles = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0];
    const byAngle = new Map<number, string>();

    beforeAll(async () => {
      store = await backend.open(backend.newLocation(), config({ dim: DIM }));
      const items = angles.map((theta, i) =>
        item(atAngle(DIM, theta), {
          source: i % 2 === 0 ? 'depop' : 'vinted',
          externalId: `a${i}`,
          brand: ['Acme', 'Zenith', 'acme'][i % 3] as string,
          size: i < 5 ? 'M' : 'L',
          category: i < 3 ? 'Shoes' : 'Jackets',
          condition: i % 2 === 0 ? 'good' : 'like_new',
          price: i === 9 ? { amount: 500, currency: 'GBP' } : { amount: 1000 * (i + 1), currency: 'EUR' },
          status: i === 1 ? 'sold' : i === 3 ? 'removed' : 'active',
        }),
      );
      const result = await store.upsert(items);
      for (const [i, theta] of angles.entries()) byAngle.set(theta, result.ids[i] as string);
    });
    afterAll(() => store.close());

    const search = (q: Partial<SearchQuery> = {}) => store.search({ vector: axis(DIM, 0), k: 20, filters: {}, ...q });
    const idsAt = (...thetas: number[]) => thetas.map((t) => byAngle.get(t));

    it('orders by cosine similarity with score = 1 − distance, sold and removed excluded by default', async () => {
      for (const exact of [false, true]) {
        const hits = await search({ k: 5, exact });
        // 0.1 is sold, 0.3 removed.
        expect(ids(hits)).toEqual(idsAt(0.2, 0.4, 0.5, 0.6, 0.7));
        for (const hit of hits) {
          const theta = angles[Number(hit.externalId.slice(1))] as number;
          expect(hit.score).toBeCloseTo(Math.cos(theta), 5);
          expect(hit.distance).toBeCloseTo(1 - hit.score, 12);
        }
      }
    });

    it('returns full listings', async () => {
      const [hit] = await search({ k: 1 });
      expect(hit).toMatchObject({
        source: 'vinted',
        externalId: 'a5',
        brand: 'acme',
        size: 'L',
        category: 'Jackets',
        condition: 'like_new',
        price: { amount: 6000, currency: 'EUR' },
        status: 'active',
        description: null,
        appUrl: null,
      });
      expect(typeof hit?.id).toBe('string');
      expect(new Date(hit?.firstSeenAt as string).toISOString()).toBe(hit?.firstSeenAt);
    });

    it('filters by status when asked', async () => {
      expect(ids(await search({ filters: { statuses: ['sold'] } }))).toEqual(idsAt(0.1));
      expect(ids(await search({ filters: { statuses: ['sold', 'removed'] } }))).toEqual(idsAt(0.1, 0.3));
    });

    it('filters by price range within one currency', async () => {
      const hits = await search({ filters: { price: { min: 3000, max: 7000, currency: 'eur' } } });
      // i = 2..6 → 0.5, 0.3 (removed), 0.7, 0.2, 0.8
      expect(ids(hits)).toEqual(idsAt(0.2, 0.5, 0.7, 0.8));
      expect(ids(await search({ filters: { price: { currency: 'GBP' } } }))).toEqual(idsAt(1.0));
      expect(ids(await search({ filters: { price: { max: 1000, currency: 'EUR' } } }))).toEqual(idsAt(0.9));
    });

    it('filters by size, brand and category case-insensitively', async () => {
      expect(ids(await search({ filters: { sizes: ['l'] } }))).toEqual(idsAt(0.2, 0.4, 0.6, 0.8, 1.0));
      // Acme at i = 0, 3, 6, 9 plus acme at 2, 5, 8 → 0.9, 0.3(removed), 0.8, 1.0, 0.5, 0.2, 0.6
      expect(ids(await search({ filters: { brands: ['ACME'] } }))).toEqual(idsAt(0.2, 0.5, 0.6, 0.8, 0.9, 1.0));
      expect(ids(await search({ filters: { categories: ['shoes'] } }))).toEqual(idsAt(0.5, 0.9));
    });

    it('filters by condition and source, AND-ing every filter', async () => {
      expect(ids(await search({ filters: { conditions: ['like_new'] } }))).toEqual(idsAt(0.2, 0.4, 1.0));
      expect(ids(await search({ filters: { sources: ['depop'] } }))).toEqual(idsAt(0.5, 0.6, 0.7, 0.8, 0.9));
      expect(ids(await search({ filters: { sources: ['vinted'], sizes: ['L'], brands: ['zenith'] } }))).toEqual(
        idsAt(0.4),
      );
      expect(await search({ filters: { sources: ['nowhere'] } })).toEqual([]);
    });

    it('applies minScore as a cut-off and excludes ids', async () => {
      const hits = await search({ minScore: Math.cos(0.55) });
      expect(ids(hits)).toEqual(idsAt(0.2, 0.4, 0.5));
      const excluded = await search({ k: 3, excludeIds: idsAt(0.2, 0.5) as string[] });
      expect(ids(excluded)).toEqual(idsAt(0.4, 0.6, 0.7));
      // Ids that cannot exist are ignored, not an error.
      expect(await search({ k: 1, excludeIds: ['nope', '-1'] })).toHaveLength(1);
    });

    it('returns stored vectors only when asked (for collapsing near-duplicates)', async () => {
      const [plain] = await search({ k: 1 });
      expect(plain?.vector).toBeUndefined();
      const [withVector] = await search({ k: 1, includeVectors: true });
      const expected = atAngle(DIM, 0.2);
      expect(withVector?.vector).toHaveLength(DIM);
      for (let i = 0; i < DIM; i++) expect(withVector?.vector?.[i]).toBeCloseTo(expected[i] as number, 5);
    });

    it('pages with the cursor without duplicates or skips', async () => {
      for (const exact of [false, true]) {
        const all = await pageAll(store, { vector: axis(DIM, 0), k: 0, filters: {}, exact }, 3);
        expect(ids(all)).toEqual(idsAt(0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0));
      }
    });
  });

  describe(`${backend.name}: paging through exact ties`, () => {
    let store: SqlStore;
    let all: string[];

    beforeAll(async () => {
      store = await backend.open(backend.newLocation(), config({ dim: DIM }));
      const random = seededRandom(7);
      const duplicate = atAngle(DIM, 0.3);
      // 25 copies of one photo (identical distances) among 40 other listings.
      const items = [
        ...Array.from({ length: 25 }, () => item(duplicate)),
        ...Array.from({ length: 40 }, () => item(randomUnit(DIM, random))),
      ];
      all = (await store.upsert(items)).ids;
    });
    afterAll(() => store.close());

    it.each([false, true])('visits every row exactly once (exact: %s)', async (exact) => {
      const seen = ids(await pageAll(store, { vector: axis(DIM, 0), k: 0, filters: {}, exact }, 7));
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...all].sort());
      const ties = await store.search({ vector: axis(DIM, 0), k: 30, filters: {}, exact: true });
      expect(new Set(ties.slice(0, 25).map((h) => h.distance)).size).toBe(1);
    });
  });

  describe(`${backend.name}: upsert`, () => {
    let store: SqlStore;
    beforeAll(async () => {
      store = await backend.open(backend.newLocation(), config({ dim: DIM }));
    });
    afterAll(() => store.close());

    it('is idempotent by (source, externalId): same ids, first_seen_at kept', async () => {
      const random = seededRandom(1);
      const batch = Array.from({ length: 20 }, (_, i) =>
        item(randomUnit(DIM, random), { source: 'idem', externalId: `x${i}` }),
      );
      const first = await store.upsert(batch);
      expect(first).toMatchObject({ inserted: 20, updated: 0 });
      const before = await store.get(first.ids[0] as string);
      await new Promise((r) => setTimeout(r, 20));
      const changed = batch.map((b, i) => (i === 0 ? { ...b, title: 'Renamed', brand: null, price: null } : b));
      const second = await store.upsert(changed);
      expect(second).toEqual({ inserted: 0, updated: 20, ids: first.ids });
      const after = await store.get(first.ids[0] as string);
      expect(after?.firstSeenAt).toBe(before?.firstSeenAt);
      expect(Date.parse(after?.lastSeenAt as string)).toBeGreaterThan(Date.parse(before?.lastSeenAt as string));
      expect(after).toMatchObject({ title: 'Renamed', brand: null, price: null });
      expect((await store.counts()).total).toBe(20);
    });

    it('keeps the last of duplicate keys in one batch and reports ids for every position', async () => {
      const v = axis(DIM, 3);
      const result = await store.upsert([
        item(v, { source: 'dup', externalId: 'k1', title: 'first' }),
        item(v, { source: 'dup', externalId: 'k2' }),
        item(v, { source: 'dup', externalId: 'k1', title: 'last' }),
      ]);
      expect(result.inserted).toBe(2);
      expect(result.ids[0]).toBe(result.ids[2]);
      expect(result.ids[0]).not.toBe(result.ids[1]);
      expect((await store.get(result.ids[0] as string))?.title).toBe('last');
    });

    it('is all or nothing: one invalid row changes nothing', async () => {
      const existing = await store.upsert([
        item(axis(DIM, 4), { source: 'atomic', externalId: 'keep', title: 'original' }),
      ]);
      const countsBefore = await store.counts();
      const bad = [
        item(axis(DIM, 4), { source: 'atomic', externalId: 'keep', title: 'changed' }),
        item(axis(DIM, 5), { source: 'atomic', externalId: 'new1' }),
        item(axis(DIM, 6), { source: 'atomic', externalId: 'new2', condition: 'mint' as never }),
      ];
      await expectStoreError(store.upsert(bad), 'invalid_input');
      const wrongDim = [
        item(axis(DIM, 5), { source: 'atomic', externalId: 'new3' }),
        item(new Float32Array(DIM + 1).fill(0.1)),
      ];
      const error = await expectStoreError(store.upsert(wrongDim), 'invalid_input');
      expect(error.message).not.toMatch(/INSERT|SELECT/);
      expect(await store.counts()).toEqual(countsBefore);
      expect((await store.get(existing.ids[0] as string))?.title).toBe('original');
      expect(
        await store.search({ vector: axis(DIM, 5), k: 1, filters: { sources: ['atomic'] }, minScore: 0.99 }),
      ).toEqual([]);
    });

    it('gets, reads vectors, changes status, deletes and counts', async () => {
      const v = atAngle(DIM, 0.123);
      const [id] = (await store.upsert([item(v, { source: 'crud', externalId: 'c1' })])).ids as [string];
      expect((await store.get(id))?.externalId).toBe('c1');
      expect(Array.from((await store.getVector(id)) ?? [])).toEqual(Array.from(v));
      const before = await store.counts();
      expect((await store.setStatus(id, 'sold'))?.status).toBe('sold');
      expect(await store.counts()).toEqual({ active: before.active - 1, total: before.total });
      expect(await store.delete(id)).toBe(true);
      expect(await store.delete(id)).toBe(false);
      expect(await store.get(id)).toBeUndefined();
      expect(await store.getVector(id)).toBeUndefined();
      expect(await store.setStatus(id, 'active')).toBeUndefined();
      for (const bogus of ['abc', '0', '99999999999999999999', "1'; DROP TABLE listings; --"]) {
        expect(await store.get(bogus)).toBeUndefined();
        expect(await store.delete(bogus)).toBe(false);
      }
      await store.ping();
      expect(store.health().kind).toBe(backend.name);
      expect(store.health().connections.total).toBeGreaterThanOrEqual(1);
    });
  });

  describe(`${backend.name}: filtered HNSW search at 1 % selectivity`, () => {
    let store: SqlStore;
    const N = 3000;
    const gen = clusteredVectors({ dim: DIM, clusters: 50, seed: 3 });

    beforeAll(async () => {
      store = await backend.open(backend.newLocation(), config({ dim: DIM }));
      const items = Array.from({ length: N }, (_, i) =>
        item(gen.next(), { category: i % 100 === 0 ? 'Rare' : 'Common', brand: i % 2 ? 'Odd' : 'Even' }),
      );
      for (let i = 0; i < N; i += 500) await store.upsert(items.slice(i, i + 500));
      // As autovacuum would: the planner costs HNSW against fresh statistics.
      await store.executor.query('ANALYZE listings');
    }, 120_000);
    afterAll(() => store.close());

    it('returns the full k and matches exact search', async () => {
      const pairs: Array<{ approx: string[]; exact: string[] }> = [];
      for (let q = 0; q < 20; q++) {
        const query = { vector: gen.query(), k: 20, filters: { categories: ['rare'] } };
        const approx = await store.search(query);
        const exact = await store.search({ ...query, exact: true });
        expect(approx).toHaveLength(20);
        pairs.push({ approx: ids(approx), exact: ids(exact) });
      }
      expect(meanRecall(pairs)).toBeGreaterThanOrEqual(0.9);
    });

    it('has good recall unfiltered', async () => {
      const pairs: Array<{ approx: string[]; exact: string[] }> = [];
      for (let q = 0; q < 20; q++) {
        const query = { vector: gen.query(), k: 20, filters: {} };
        pairs.push({
          approx: ids(await store.search(query)),
          exact: ids(await store.search({ ...query, exact: true })),
        });
      }
      expect(meanRecall(pairs)).toBeGreaterThanOrEqual(0.9);
    });

    it.runIf(backend.name === 'postgres')('uses the HNSW index, filtered and unfiltered (EXPLAIN)', async () => {
      const { buildSearch } = await import('../../src/store/search-sql.js');
      for (const filters of [{}, { brands: ['odd'] }, { brands: ['odd'], price: { max: 5000, currency: 'EUR' } }]) {
        const { text, params } = buildSearch({ vector: gen.query(), k: 20, filters });
        const plan = await store.executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('listings_embedding_hnsw');
      }
      const exact = buildSearch({ vector: gen.query(), k: 20, filters: {}, exact: true });
      const plan = await store.executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${exact.text}`, exact.params);
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).not.toContain('listings_embedding_hnsw');
    });
  });

  describe(`${backend.name}: start-up checks and close`, () => {
    it('refuses an index of another model or dimension', async () => {
      const location = backend.newLocation();
      const store = await backend.open(location, config({ dim: DIM }));
      await store.upsert([item(axis(DIM, 0))]);
      await store.close();
      const error = await expectStoreError(
        backend.open(location, config({ dim: DIM, fingerprint: 'other-model-bbbb' })),
        'model_mismatch_index',
      );
      expect(error.message).toContain('test-model-aaaa');
      expect(error.message).toContain('other-model-bbbb');
      await expectStoreError(backend.open(location, config({ dim: 64 })), 'model_mismatch_index');
      // The refusal released everything: the right model opens it again, data intact.
      const again = await backend.open(location, config({ dim: DIM }));
      expect((await again.counts()).total).toBe(1);
      await again.close();
    });

    it('waits for running queries on close, then refuses new ones', async () => {
      const store = await backend.open(backend.newLocation(), config({ dim: DIM }));
      await store.upsert([item(axis(DIM, 0))]);
      const running = store.search({ vector: axis(DIM, 0), k: 5, filters: {} });
      await store.close();
      expect(await running).toHaveLength(1);
      await expectStoreError(store.ping(), 'unavailable');
      await store.close(); // idempotent
    });
  });

  describe(`${backend.name}: query vectors and embedding storage`, () => {
    const WIDE = 768;

    it('sends a query vector to the database without changing one bit', async () => {
      const store = await backend.open(backend.newLocation(), config({ dim: DIM }));
      try {
        const random = seededRandom(5);
        const vector = Float32Array.from(
          { length: WIDE },
          () => (random() - 0.5) * 10 ** Math.floor(random() * 60 - 30),
        );
        vector.set([0, -0, 1, -1, 3.4028234663852886e38, 1.401298464324817e-45], 0);
        const [row] = await store.executor.query<{ v: string }>('SELECT $1::vector::real[]::text AS v', [vector]);
        const back = Float32Array.from((row?.v ?? '').slice(1, -1).split(','), Number);
        // -0 may come back as 0 (PGlite gets text); every other value must be bit-identical.
        const noNegativeZero = (v: Float32Array) => Array.from(v, (x) => (x === 0 ? 0 : x));
        expect(noNegativeZero(back)).toEqual(noNegativeZero(vector));
      } finally {
        await store.close();
      }
    });

    // The column's storage mode, and the heap's size: what the planner weighs an exact scan by.
    const storageOf = async (store: SqlStore) => {
      const [row] = await store.executor.query<{ storage: string; heap: number }>(
        `SELECT a.attstorage AS storage, pg_relation_size(c.oid)::float8 AS heap
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'embedding'
         WHERE c.oid = 'listings'::regclass`,
      );
      return { storage: row?.storage, heapBytes: Number(row?.heap) };
    };

    it('stores embeddings inline, and an index from before moves its rows inline on upgrade', async () => {
      const location = backend.newLocation();
      let store = await backend.open(location, config({ dim: WIDE }));
      expect((await storageOf(store)).storage).toBe('p');
      // Turn this index back into what migration 1 alone made, holding 30 out-of-line embeddings.
      await store.executor.query('ALTER TABLE listings ALTER COLUMN embedding SET STORAGE EXTENDED');
      await store.executor.query('DELETE FROM ftf_migrations WHERE version = 2');
      const random = seededRandom(9);
      await store.upsert(Array.from({ length: 30 }, (_, i) => item(randomUnit(WIDE, random), { externalId: `w${i}` })));
      // Out of line, 30 rows of 768 floats fit one 8 KB heap page.
      expect(await storageOf(store)).toEqual({ storage: 'x', heapBytes: 8192 });
      const query = { vector: randomUnit(WIDE, random), k: 10, filters: {} };
      const before = await store.search(query);
      await store.close();

      store = await backend.open(location, config({ dim: WIDE }));
      try {
        const upgraded = await storageOf(store);
        expect(upgraded.storage).toBe('p');
        expect(upgraded.heapBytes).toBeGreaterThanOrEqual(30 * 4 * WIDE);
        const after = await store.search(query);
        expect(ids(after)).toEqual(ids(before));
        expect(after.map((h) => h.score)).toEqual(before.map((h) => h.score));
        const [index] = await store.executor.query<{ valid: boolean }>(
          "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'listings_embedding_hnsw'::regclass",
        );
        expect(index?.valid).toBe(true);
        expect((await store.counts()).total).toBe(30);
      } finally {
        await store.close();
      }
    });
  });

  describe(`${backend.name}: halfvec index (FTF_INDEX_VECTOR_TYPE)`, () => {
    const indexDef = async (store: SqlStore) =>
      (
        await store.executor.query<{ def: string }>(
          "SELECT pg_get_indexdef('listings_embedding_hnsw'::regclass) AS def",
        )
      )[0]?.def ?? '';
    const halfvec = (hnsw = config().hnsw) => ({
      ...config({ dim: DIM }),
      hnsw: { ...hnsw, vectorType: 'halfvec' as const },
    });

    it('switches a small index to halfvec at start-up, searches through it, and back', async () => {
      const location = backend.newLocation();
      let store = await backend.open(location, config({ dim: DIM }));
      const random = seededRandom(21);
      const vectors = Array.from({ length: 40 }, () => randomUnit(DIM, random));
      await store.upsert(vectors.map((v, i) => item(v, { externalId: `h${i}` })));
      const query = { vector: randomUnit(DIM, random), k: 10, filters: {} };
      const before = await store.search(query);
      expect(await indexDef(store)).toContain('vector_cosine_ops');
      await store.close();

      store = await backend.open(location, halfvec());
      try {
        expect(await indexDef(store)).toContain('halfvec_cosine_ops');
        const after = await store.search(query);
        // float16 moves scores in the 4th digit; the order of well-spread random vectors holds.
        expect(ids(after)).toEqual(ids(before));
        for (const [i, hit] of after.entries()) expect(hit.score).toBeCloseTo(before[i]?.score as number, 2);
        const { text, params } = buildSearch(query, { vectorType: 'halfvec', dim: DIM });
        // 40 rows: only with sorting priced out does the planner show that the statement can use the index.
        await store.executor.query('SET enable_sort = off');
        const plan = await store.executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
        await store.executor.query('RESET enable_sort');
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('listings_embedding_hnsw');
      } finally {
        await store.close();
      }
      store = await backend.open(location, config({ dim: DIM }));
      expect(await indexDef(store)).toContain('vector_cosine_ops');
      await store.close();
    });

    it('refuses to rebuild a large index at start-up and names the online recipe', async () => {
      const location = backend.newLocation();
      const store = await backend.open(location, config({ dim: DIM }));
      await store.executor.query('DROP INDEX listings_embedding_hnsw');
      await store.executor.query(
        `INSERT INTO listings (source, external_id, title, url, image_url, model, embedding)
         SELECT 'depop', 'r' || g, 't', 'https://example.com/' || g, 'https://example.com/i' || g, 'm',
                (SELECT array_agg(random()::real) FROM generate_series(1, ${DIM}) WHERE g > 0)::vector
         FROM generate_series(1, $1::int) AS g`,
        [REBUILD_AT_START_MAX_ROWS + 1],
      );
      await store.executor.query(
        'CREATE INDEX listings_embedding_hnsw ON listings USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
      );
      await store.close();
      const error = await expectStoreError(backend.open(location, halfvec()), 'invalid_config');
      expect(error.message).toContain('FTF_INDEX_VECTOR_TYPE is halfvec');
      expect(error.message).toContain('CREATE INDEX CONCURRENTLY listings_embedding_hnsw_new');
      // Nothing changed: the vector index is still there and the store opens as before.
      const again = await backend.open(location, config({ dim: DIM }));
      expect(await indexDef(again)).toContain('vector_cosine_ops');
      expect((await again.counts()).total).toBe(REBUILD_AT_START_MAX_ROWS + 1);
      await again.close();
    });
  });
}

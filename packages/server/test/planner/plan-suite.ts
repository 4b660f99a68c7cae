import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { VectorType } from '../../src/store/types.js';
import { type Backend, config } from '../store/backends.js';
import { accessPath, EF_SEARCH, growTo, PLAN_DIM, plansByEf } from './hnsw-plan.js';

const HNSW = 'Index Scan using listings_embedding_hnsw';

/**
 * The planner must keep choosing the HNSW index as the catalogue grows, at every ef_search the server may run
 * with. Before embeddings were stored inline it chose an exact scan from ~20k rows (the heap looked tiny), and
 * before random_page_cost 1.1 at 1k rows. EXPLAIN only: no timing.
 */
export function definePlanSuite(backend: Backend, sizes: readonly number[], vectorType: VectorType = 'vector') {
  const what = `${sizes.join(', ')} × ${PLAN_DIM}, ${vectorType} index`;
  describe(`${backend.name}: the search plan uses the HNSW index at ${what}`, () => {
    let store: SqlStore;
    beforeAll(async () => {
      store = await backend.open(backend.newLocation(), {
        ...config({ dim: PLAN_DIM }),
        hnsw: { m: 16, efConstruction: 64, efSearch: 64, vectorType },
      });
    });
    afterAll(async () => {
      await store?.close();
      await backend.cleanup();
    });

    // In order: each size grows the same table.
    for (const rows of sizes) {
      it(`${rows} rows, ef_search ${EF_SEARCH.join('/')}`, { timeout: 1_800_000 }, async () => {
        await growTo(store, rows);
        const plans = await plansByEf(store, vectorType);
        const paths = Object.fromEntries([...plans].map(([ef, plan]) => [ef, accessPath(plan)]));
        expect(paths).toEqual(Object.fromEntries(EF_SEARCH.map((ef) => [ef, HNSW])));
      });
    }
  });
}

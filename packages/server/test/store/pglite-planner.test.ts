import { afterAll, expect, it } from 'vitest';
import { seededRandom } from '../../bench/synthetic.js';
import { buildSearch } from '../../src/store/search-sql.js';
import { config, pgliteBackend } from './backends.js';
import { item, randomUnit } from './fixtures.js';

// PGlite has no autovacuum: the store must refresh planner statistics itself, or the planner keeps
// believing the table is empty and sorts every row instead of using the HNSW index.
const backend = pgliteBackend();
afterAll(() => backend.cleanup());

// 1 200 HNSW inserts in WASM PostgreSQL: seconds here, minutes on a machine whose cores are shared many times over.
it('uses the HNSW index after a bulk upsert, without anyone running ANALYZE', { timeout: 300_000 }, async () => {
  const store = await backend.open(backend.newLocation(), config({ dim: 32 }));
  try {
    const random = seededRandom(11);
    const items = Array.from({ length: 1200 }, (_, i) => item(randomUnit(32, random), { externalId: `p${i}` }));
    for (let i = 0; i < items.length; i += 400) await store.upsert(items.slice(i, i + 400));
    const { text, params } = buildSearch({ vector: randomUnit(32, random), k: 20, filters: {} });
    const plan = await store.executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('listings_embedding_hnsw');
  } finally {
    await store.close();
  }
});

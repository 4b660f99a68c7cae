import { seededRandom } from '../../bench/synthetic.js';
import { buildSearch } from '../../src/store/search-sql.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { VectorType } from '../../src/store/types.js';
import { randomUnit } from '../store/fixtures.js';

export const PLAN_DIM = 768;
export const EF_SEARCH = [40, 64, 100] as const;

/**
 * Grows the listings table to `rows` synthetic listings. The HNSW index is dropped and rebuilt around the bulk
 * insert (one build instead of `rows` graph insertions), from the migration's definition read back from the
 * catalogue with one change: ef_construction at its minimum (2 × m). The planner never sees ef_construction (pgvector's
 * hnswcostestimate reads m, the tuple count and the index's pages, which ef_construction does not change), and
 * it is what makes a 100k build take minutes. The planner only weighs sizes, so random vectors serve as well.
 */
export async function growTo(store: SqlStore, rows: number): Promise<void> {
  const db = store.executor;
  const [current] = await db.query<{ n: number }>('SELECT count(*)::float8 AS n FROM listings');
  const have = Number(current?.n ?? 0);
  if (have >= rows) return;
  // One transaction, without the store's statement timeout: a 100k build takes minutes.
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    await tx.query("SET LOCAL maintenance_work_mem = '512MB'");
    const [index] = await tx.query<{ def: string }>(
      "SELECT pg_get_indexdef('listings_embedding_hnsw'::regclass) AS def",
    );
    const def = index?.def as string;
    const m = Number(/\bm\s*=\s*'?(\d+)/.exec(def)?.[1]);
    await tx.query('DROP INDEX listings_embedding_hnsw');
    await tx.query(
      `INSERT INTO listings (source, external_id, title, url, image_url, model, embedding)
       SELECT 'depop', 'plan-' || g, 'Listing ' || g, 'https://example.com/l/' || g, 'https://example.com/i/' || g, 'plan',
              (SELECT array_agg(random()::real - 0.5) FROM generate_series(1, $1::int) WHERE g > 0)::vector
       FROM generate_series($2::int + 1, $3::int) AS g`,
      [PLAN_DIM, have, rows],
    );
    await tx.query(def.replace(/ef_construction\s*=\s*'?\d+'?/, `ef_construction='${2 * m}'`));
  });
  await db.query('ANALYZE listings');
}

/**
 * The plan of the server's own search statement (k = 20 asks the store for 21) at each ef_search, under the
 * store's session settings. SET LOCAL in a transaction: on a pool, a plain SET could land on another connection.
 */
export async function plansByEf(store: SqlStore, vectorType: VectorType = 'vector'): Promise<Map<number, string>> {
  const random = seededRandom(3);
  const query = { vector: randomUnit(PLAN_DIM, random), k: 21, filters: {} };
  const { text, params } = buildSearch(query, { vectorType, dim: PLAN_DIM });
  const plans = new Map<number, string>();
  for (const ef of EF_SEARCH) {
    const rows = await store.executor.transaction(async (tx) => {
      await tx.query(`SET LOCAL hnsw.ef_search = ${ef}`);
      return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
    });
    plans.set(ef, rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  return plans;
}

/** The access path the plan reads listings by, e.g. 'Index Scan using listings_embedding_hnsw'. */
export const accessPath = (plan: string) =>
  /(Index Scan|Index Only Scan|Bitmap Heap Scan|Seq Scan)( using \w+)?/.exec(plan)?.[0];

/**
 * Table sizes to check. PostgreSQL builds 100k × 768 in ~2 minutes here, PGlite (one WebAssembly thread) in
 * ~6, so CI checks PGlite to 20k; FTF_PLAN_TEST_ROWS (e.g. "1000,20000,100000") runs any sizes on demand.
 */
export function planSizes(kind: 'pglite' | 'postgres'): number[] {
  const env = process.env.FTF_PLAN_TEST_ROWS;
  if (env) {
    const sizes = env.split(',').map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`FTF_PLAN_TEST_ROWS: bad list "${env}"`);
    return sizes.sort((a, b) => a - b);
  }
  return kind === 'postgres' ? [1_000, 20_000, 100_000] : [1_000, 20_000];
}

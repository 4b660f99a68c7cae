/**
 * Store benchmark: insert rate, HNSW build time and size (vector and halfvec), recall@20 against exact
 * search and latency p50/p99 per ef_search, on PGlite and PostgreSQL, with the same query run directly
 * through `pg` for the overhead ratio.
 *
 *   npx tsx packages/server/bench/store-bench.ts --n 20000 --dims 512,768 --backends pglite,postgres \
 *     --ef 40,100,200 --queries 200 [--batch 500] [--no-halfvec] [--database-url postgres://…]
 *
 * PostgreSQL comes from --database-url, DATABASE_URL or FTF_TEST_DATABASE_URL; each run uses a fresh
 * schema it drops afterwards. PGlite runs in a temp directory it deletes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type CreateStoreOptions, openSqlStore } from '../src/store/index.js';
import { HNSW_INDEX } from '../src/store/migrations.js';
import { buildSearch } from '../src/store/search-sql.js';
import type { SqlStore } from '../src/store/sql-store.js';
import type { NormalizedUpsert, StoreConfig } from '../src/store/types.js';
import { toVectorText } from '../src/store/vector-text.js';
import { createDirectSearch, DIRECT_SEARCH_SQL } from './direct-search.js';
import { clusteredVectors, meanRecall, percentile } from './synthetic.js';

export { createDirectSearch, DIRECT_SEARCH_SQL, type DirectSearch } from './direct-search.js';
export { clusteredVectors, meanRecall, normalize, percentile, recall, seededRandom } from './synthetic.js';

type Backend = 'pglite' | 'postgres';

interface QueryRow {
  ef: number;
  plan: string;
  recall: number;
  storeP50: number;
  storeP99: number;
  directP50: number;
  directP99: number;
}

interface RunResult {
  backend: Backend;
  dim: number;
  n: number;
  insertRate: number;
  buildS: number;
  halfBuildS: number;
  indexMb: number;
  halfIndexMb: number;
  exactP50: number;
  queries: QueryRow[];
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** Synthetic listings with clustered vectors; a few attributes so the rows look like real ones. */
export function syntheticListings(
  n: number,
  dim: number,
  seed = 42,
): { items: NormalizedUpsert[]; queries: (count: number) => Float32Array[] } {
  const gen = clusteredVectors({ dim, seed });
  const items: NormalizedUpsert[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      source: 'bench',
      externalId: String(i),
      title: `Listing ${i}`,
      brand: `Brand ${i % 200}`,
      size: ['XS', 'S', 'M', 'L', 'XL'][i % 5] as string,
      category: `Category ${i % 30}`,
      condition: 'good',
      price: { amount: 500 + (i % 20_000), currency: 'EUR' },
      url: `https://example.com/l/${i}`,
      imageUrl: `https://example.com/i/${i}.jpg`,
      vector: gen.next(),
    });
  }
  return { items, queries: (count) => Array.from({ length: count }, () => gen.query()) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function runOne(backend: Backend, dim: number, args: Args): Promise<RunResult> {
  const config: StoreConfig = { fingerprint: `bench-${dim}`, dim, hnsw: { m: 16, efConstruction: 64, efSearch: 40 } };
  const dataDir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'ftf-bench-')) : undefined;
  const schema = `ftf_bench_${dim}_${Date.now().toString(36)}`;
  const location: Partial<CreateStoreOptions> =
    backend === 'pglite'
      ? { dataDir: dataDir as string }
      : { databaseUrl: args.databaseUrl as string, schema, poolSize: 2 };
  const open = (efSearch: number) =>
    openSqlStore({ ...location, ...config, hnsw: { ...config.hnsw, efSearch }, statementTimeoutMs: 600_000 });

  let store: SqlStore = await open(40);
  try {
    const { items, queries } = syntheticListings(args.n, dim);
    const qs = queries(args.queries);

    // Bulk load without the index (as an operator would), then build it once.
    await store.executor.query(`DROP INDEX ${HNSW_INDEX}`);
    log(`${backend} ${dim}d: inserting ${args.n} rows in batches of ${args.batch}`);
    const [, insertMs] = await timed(async () => {
      for (let i = 0; i < items.length; i += args.batch) await store.upsert(items.slice(i, i + args.batch));
    });

    // PGlite is 32-bit WASM: 1GB maintenance_work_mem does not fit; 256MB holds a 20k-100k build.
    const mwm = backend === 'postgres' ? '1GB' : '256MB';
    const build = (sql: string) =>
      timed(() =>
        store.executor.transaction(async (tx) => {
          await tx.query(`SET LOCAL maintenance_work_mem = '${mwm}'`);
          await tx.query(sql);
        }),
      );
    const withParams = `WITH (m = ${config.hnsw.m}, ef_construction = ${config.hnsw.efConstruction})`;
    log(`${backend} ${dim}d: building HNSW (vector)`);
    const [, buildMs] = await build(
      `CREATE INDEX ${HNSW_INDEX} ON listings USING hnsw (embedding vector_cosine_ops) ${withParams}`,
    );
    const size = async (index: string) =>
      Number(
        (
          await store.executor.query<{ bytes: number }>('SELECT pg_relation_size($1::regclass)::float8 AS bytes', [
            index,
          ])
        )[0]?.bytes,
      );
    const indexMb = mb(await size(HNSW_INDEX));
    let halfBuildMs = Number.NaN;
    let halfIndexMb = Number.NaN;
    if (args.halfvec) {
      // Size comparison only; PGlite builds it ~5x slower than the vector index (f16 conversion in WASM).
      log(`${backend} ${dim}d: building HNSW (halfvec)`);
      [, halfBuildMs] = await build(
        `CREATE INDEX bench_halfvec_hnsw ON listings USING hnsw ((embedding::halfvec(${dim})) halfvec_cosine_ops) ${withParams}`,
      );
      halfIndexMb = mb(await size('bench_halfvec_hnsw'));
      await store.executor.query('DROP INDEX bench_halfvec_hnsw');
    }
    await store.executor.query('ANALYZE listings');

    log(`${backend} ${dim}d: exact search for ground truth`);
    const exactMs: number[] = [];
    const truth: string[][] = [];
    for (const vector of qs) {
      const [hits, ms] = await timed(() => store.search({ vector, k: 20, filters: {}, exact: true }));
      truth.push(hits.map((h) => h.id));
      exactMs.push(ms);
    }

    const rows: QueryRow[] = [];
    for (const ef of args.ef) {
      await store.close();
      store = await open(ef);
      const direct =
        backend === 'postgres'
          ? await createDirectSearch({ databaseUrl: args.databaseUrl as string, schema, efSearch: ef })
          : // PGlite has one connection, owned by the store: "direct" is the same SQL on its executor.
            {
              search: async (vector: Float32Array, k: number) =>
                (
                  await store.executor.query<{ id: string }>(DIRECT_SEARCH_SQL, [toVectorText(vector), ['active'], k])
                ).map((r) => r.id),
              close: async () => {},
            };
      for (const vector of qs.slice(0, 10)) {
        await store.search({ vector, k: 20, filters: {} });
        await direct.search(vector, 20);
      }
      // pgvector 0.8 costs ef_search into the plan: record whether the planner took the index at all.
      const probe = buildSearch({ vector: qs[0] as Float32Array, k: 20, filters: {} });
      const plan = await store.executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${probe.text}`, probe.params);
      const usesIndex = plan.some((r) => r['QUERY PLAN'].includes(HNSW_INDEX));
      const storeMs: number[] = [];
      const directMs: number[] = [];
      const pairs: Array<{ approx: string[]; exact: string[] }> = [];
      for (const [i, vector] of qs.entries()) {
        // Alternate who goes first: the second run of a query finds its pages already in cache.
        if (i % 2 === 1) directMs.push((await timed(() => direct.search(vector, 20)))[1]);
        const [hits, ms] = await timed(() => store.search({ vector, k: 20, filters: {} }));
        storeMs.push(ms);
        pairs.push({ approx: hits.map((h) => h.id), exact: truth[i] as string[] });
        if (i % 2 === 0) directMs.push((await timed(() => direct.search(vector, 20)))[1]);
      }
      await direct.close();
      rows.push({
        ef,
        plan: usesIndex ? 'hnsw' : 'exact scan',
        recall: meanRecall(pairs),
        storeP50: percentile(storeMs, 50),
        storeP99: percentile(storeMs, 99),
        directP50: percentile(directMs, 50),
        directP99: percentile(directMs, 99),
      });
      log(`${backend} ${dim}d ef=${ef}: recall ${rows.at(-1)?.recall.toFixed(3)}`);
    }
    return {
      backend,
      dim,
      n: args.n,
      insertRate: args.n / (insertMs / 1000),
      buildS: buildMs / 1000,
      halfBuildS: halfBuildMs / 1000,
      indexMb,
      halfIndexMb,
      exactP50: percentile(exactMs, 50),
      queries: rows,
    };
  } finally {
    await store.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: args.databaseUrl as string });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }
}

export function formatTables(results: readonly RunResult[]): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const lines = [
    '| back end | dim | N | insert (rows/s, store.upsert) | HNSW build (s) | index MB vector | index MB halfvec (build s) | exact scan p50 (ms) |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.backend} | ${r.dim} | ${r.n} | ${Math.round(r.insertRate)} | ${f(r.buildS, 1)} | ${f(r.indexMb, 1)} | ${Number.isNaN(r.halfIndexMb) ? 'skipped' : `${f(r.halfIndexMb, 1)} (${f(r.halfBuildS, 1)})`} | ${f(r.exactP50, 1)} |`,
    ),
    '',
    '| back end | dim | ef_search | plan | recall@20 | store p50 (ms) | store p99 (ms) | direct p50 (ms) | direct p99 (ms) | store/direct p50 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.flatMap((r) =>
      r.queries.map(
        (q) =>
          `| ${r.backend} | ${r.dim} | ${q.ef} | ${q.plan} | ${f(q.recall, 3)} | ${f(q.storeP50)} | ${f(q.storeP99)} | ${f(q.directP50)} | ${f(q.directP99)} | ${f(q.storeP50 / q.directP50)} |`,
      ),
    ),
  ];
  return lines.join('\n');
}

interface Args {
  n: number;
  dims: number[];
  backends: Backend[];
  ef: number[];
  queries: number;
  batch: number;
  halfvec: boolean;
  databaseUrl: string | undefined;
}

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string', default: '100000' },
      dims: { type: 'string', default: '512,768' },
      backends: { type: 'string', default: 'pglite,postgres' },
      ef: { type: 'string', default: '40,100,200' },
      queries: { type: 'string', default: '200' },
      batch: { type: 'string', default: '500' },
      'database-url': { type: 'string' },
      'no-halfvec': { type: 'boolean', default: false },
    },
  });
  const ints = (s: string) => s.split(',').map((x) => Number.parseInt(x, 10));
  const backends = (values.backends as string).split(',') as Backend[];
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? process.env.FTF_TEST_DATABASE_URL;
  if (backends.includes('postgres') && !databaseUrl) {
    throw new Error(
      'postgres back end: pass --database-url or set DATABASE_URL / FTF_TEST_DATABASE_URL (.ci/pg-cluster.sh start)',
    );
  }
  return {
    n: Number(values.n),
    dims: ints(values.dims as string),
    backends,
    ef: ints(values.ef as string),
    queries: Number(values.queries),
    batch: Number(values.batch),
    halfvec: !values['no-halfvec'],
    databaseUrl,
  };
}

async function main() {
  const args = parseCli(process.argv.slice(2));
  const results: RunResult[] = [];
  for (const backend of args.backends) for (const dim of args.dims) results.push(await runOne(backend, dim, args));
  process.stdout.write(`${formatTables(results)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

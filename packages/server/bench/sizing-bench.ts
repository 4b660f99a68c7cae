/**
 * Sizing benchmark: on-disk size of the listings table and of its HNSW index (`vector` and `halfvec`) at a few
 * row counts, measured on a real PostgreSQL with the server's own store (migrations, upsert, index DDL), then
 * extrapolated linearly to one million rows (HNSW size grows linearly with rows for a fixed m: every node
 * keeps at most 2·m neighbours on layer 0 plus the vector, and upper layers add ~1/m of that).
 *
 *   npx tsx packages/server/bench/sizing-bench.ts --ns 50000,200000 --dims 512,768 [--database-url postgres://…]
 *
 * PostgreSQL comes from --database-url, DATABASE_URL or FTF_TEST_DATABASE_URL; each dimension runs in a fresh
 * schema that is dropped afterwards. Rows go in through `store.upsert` (batches of 500) without the index, and
 * both indexes are built once per row count (m = 16, ef_construction = 64, the server defaults).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openSqlStore } from '../src/store/index.js';
import { HNSW_INDEX } from '../src/store/migrations.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { syntheticListings } from './store-bench.js';

export interface SizingRow {
  dim: number;
  n: number;
  /** Heap + TOAST + FSM/VM of `listings` (pg_table_size), bytes. */
  tableBytes: number;
  /** The btree indexes the migrations create (primary key, upsert key, filters), bytes. */
  otherIndexBytes: number;
  vectorIndexBytes: number;
  halfvecIndexBytes: number;
  vectorBuildS: number;
  halfvecBuildS: number;
}

const log = (msg: string) => process.stderr.write(`[sizing ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const HALF_INDEX = 'sizing_halfvec_hnsw';

async function bytes(store: SqlStore, sql: string): Promise<number> {
  const rows = await store.executor.query<{ b: number }>(sql);
  return Number(rows[0]?.b ?? Number.NaN);
}

async function build(store: SqlStore, sql: string): Promise<number> {
  const t0 = performance.now();
  await store.executor.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    await tx.query(sql);
  });
  return (performance.now() - t0) / 1000;
}

async function runDim(databaseUrl: string, dim: number, ns: readonly number[]): Promise<SizingRow[]> {
  const schema = `ftf_sizing_${dim}_${Date.now().toString(36)}`;
  const hnsw = { m: 16, efConstruction: 64, efSearch: 40 };
  const store = await openSqlStore({
    databaseUrl,
    schema,
    poolSize: 2,
    statementTimeoutMs: 3_600_000,
    fingerprint: `sizing-${dim}`,
    dim,
    hnsw,
  });
  const rows: SizingRow[] = [];
  try {
    const max = Math.max(...ns);
    const { items } = syntheticListings(max, dim);
    await store.executor.query(`DROP INDEX ${HNSW_INDEX}`);
    let loaded = 0;
    for (const n of [...ns].sort((a, b) => a - b)) {
      log(`${dim}d: loading rows ${loaded}..${n}`);
      for (let i = loaded; i < n; i += 500) await store.upsert(items.slice(i, Math.min(i + 500, n)));
      loaded = n;
      await store.executor.query('VACUUM ANALYZE listings');
      const withParams = `WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`;
      log(`${dim}d n=${n}: building HNSW (vector)`);
      const vectorBuildS = await build(
        store,
        `CREATE INDEX ${HNSW_INDEX} ON listings USING hnsw (embedding vector_cosine_ops) ${withParams}`,
      );
      log(`${dim}d n=${n}: building HNSW (halfvec)`);
      const halfvecBuildS = await build(
        store,
        `CREATE INDEX ${HALF_INDEX} ON listings USING hnsw ((embedding::halfvec(${dim})) halfvec_cosine_ops) ${withParams}`,
      );
      const vectorIndexBytes = await bytes(store, `SELECT pg_relation_size('${HNSW_INDEX}')::float8 AS b`);
      const halfvecIndexBytes = await bytes(store, `SELECT pg_relation_size('${HALF_INDEX}')::float8 AS b`);
      const allIndexes = await bytes(store, `SELECT pg_indexes_size('listings')::float8 AS b`);
      const row: SizingRow = {
        dim,
        n,
        tableBytes: await bytes(store, `SELECT pg_table_size('listings')::float8 AS b`),
        otherIndexBytes: allIndexes - vectorIndexBytes - halfvecIndexBytes,
        vectorIndexBytes,
        halfvecIndexBytes,
        vectorBuildS,
        halfvecBuildS,
      };
      rows.push(row);
      log(`${dim}d n=${n}: ${JSON.stringify(row)}`);
      // Rebuilt from scratch at the next row count, as an operator's bulk load would.
      await store.executor.query(`DROP INDEX ${HNSW_INDEX}`);
      await store.executor.query(`DROP INDEX ${HALF_INDEX}`);
    }
    return rows;
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Bytes per row at the largest row count, times one million (linear extrapolation). */
export function perMillion(row: SizingRow, field: keyof Omit<SizingRow, 'dim' | 'n'>): number {
  return (row[field] / row.n) * 1_000_000;
}

export function formatSizing(rows: readonly SizingRow[]): string {
  const f = (b: number) => (b / MIB).toFixed(1);
  const g = (b: number) => (b / GIB).toFixed(2);
  const largest = new Map<number, SizingRow>();
  for (const r of rows) if ((largest.get(r.dim)?.n ?? 0) < r.n) largest.set(r.dim, r);
  return [
    '| dim | rows | table MiB (heap+TOAST) | other indexes MiB | HNSW vector MiB (build s) | HNSW halfvec MiB (build s) | vector index bytes/row | halfvec index bytes/row |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.dim} | ${r.n} | ${f(r.tableBytes)} | ${f(r.otherIndexBytes)} | ${f(r.vectorIndexBytes)} (${r.vectorBuildS.toFixed(1)}) | ${f(r.halfvecIndexBytes)} (${r.halfvecBuildS.toFixed(1)}) | ${Math.round(r.vectorIndexBytes / r.n)} | ${Math.round(r.halfvecIndexBytes / r.n)} |`,
    ),
    '',
    'Per million rows, extrapolated linearly from the largest row count measured:',
    '',
    '| dim | table GiB | other indexes GiB | HNSW vector GiB | HNSW halfvec GiB | total with vector index GiB |',
    '|---|---|---|---|---|---|',
    ...[...largest.values()].map(
      (r) =>
        `| ${r.dim} | ${g(perMillion(r, 'tableBytes'))} | ${g(perMillion(r, 'otherIndexBytes'))} | ${g(perMillion(r, 'vectorIndexBytes'))} | ${g(perMillion(r, 'halfvecIndexBytes'))} | ${g(perMillion(r, 'tableBytes') + perMillion(r, 'otherIndexBytes') + perMillion(r, 'vectorIndexBytes'))} |`,
    ),
  ].join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      ns: { type: 'string', default: '50000,200000' },
      dims: { type: 'string', default: '512,768' },
      'database-url': { type: 'string' },
    },
  });
  const ints = (s: string) => s.split(',').map((x) => Number.parseInt(x, 10));
  const ns = ints(values.ns as string);
  const dims = ints(values.dims as string);
  if ([...ns, ...dims].some((x) => !Number.isInteger(x) || x < 1)) {
    throw new Error('--ns and --dims take comma-separated positive integers');
  }
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? process.env.FTF_TEST_DATABASE_URL;
  if (!databaseUrl) {
    throw new Error('pass --database-url or set DATABASE_URL / FTF_TEST_DATABASE_URL (.ci/pg-cluster.sh start)');
  }
  const rows: SizingRow[] = [];
  for (const dim of dims) rows.push(...(await runDim(databaseUrl, dim, ns)));
  process.stdout.write(`${formatSizing(rows)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

// pnpm bench:search — vector search through our HTTP server next to the same statement run directly, on
// PostgreSQL (100k × 768 by default) and PGlite (20k × 768), in alternated rounds, with recall@20 against an
// exact search. Latency is timed per response with sub-millisecond resolution (raw keep-alive sockets,
// bench/http-load.ts); the server's CPU per search comes from its process's CPU time.
//
//   --n 100000 --pglite-n 20000 --dim 768 --ef 64 --backends postgres,pglite --connections 1,8,32
//   --duration 10 (seconds per run) --rounds 2 --queries 200 --json <file> --keep
//
// PostgreSQL: FTF_BENCH_DATABASE_URL (or FTF_TEST_DATABASE_URL); the bench creates its own database
// (ftf_bench_<n>_<dim>) and drops it at the end unless --keep, in which case the next run reuses it.
// "Direct" is the server's own search statement (same SQL, same binary vector parameter) sent by one `pg`
// client per connection — or, on PGlite, the same store opened in this process: the floor the HTTP layer adds to.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeVector, fingerprintOf, getPreset, type ModelPreset, PRESETS } from '@find-this-fit/sdk';
import pg from 'pg';
import { openSqlStore } from '../src/store/index.js';
import { buildSearch } from '../src/store/search-sql.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { toPgvectorBinary } from '../src/store/vector-param.js';
import { jsonPost, runLoad } from './http-load.js';
import { clusteredVectors, percentile } from './synthetic.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    'pglite-n': { type: 'string', default: '20000' },
    dim: { type: 'string', default: '768' },
    ef: { type: 'string', default: '64' },
    backends: { type: 'string', default: 'postgres,pglite' },
    connections: { type: 'string', default: '1,8,32' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    queries: { type: 'string', default: '200' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DIM = Number(values.dim);
const EF = Number(values.ef);
const K = 20;
const CONNECTIONS = values.connections.split(',').map(Number);
const DURATION_MS = Number(values.duration) * 1000;
const ROUNDS = Number(values.rounds);
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const log = (m: string) => process.stderr.write(`[search-bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type Backend = 'postgres' | 'pglite';
type Path = 'http' | 'direct';

interface Run {
  backend: Backend;
  path: Path;
  connections: number;
  round: number;
  qps: number;
  p50: number;
  p99: number;
  errors: number;
  /** HTTP only: the server process's CPU (user + system) per answered search, in ms. */
  serverCpuMs?: number;
}

/** A preset with the real dims (768 → SigLIP ViT-B/16), so the index has the real shape. */
function presetFor(dim: number): ModelPreset {
  const preset = Object.values(PRESETS).find((p) => p.dim === dim);
  if (!preset) throw new Error(`no preset with dim ${dim}`);
  return getPreset(preset.name);
}
const preset = presetFor(DIM);
const MODEL = fingerprintOf(preset);

// ---- data ----------------------------------------------------------------------------------------------

/** The catalogue and the queries, regenerated identically each run (seeded). */
function dataset(n: number) {
  const gen = clusteredVectors({ dim: DIM, seed: 7 });
  const vectors = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) vectors.set(gen.next(), i * DIM);
  const queries = Array.from({ length: Number(values.queries) }, () => gen.query());
  return { n, vectors, queries };
}
type Dataset = ReturnType<typeof dataset>;

/** Exact top-k by brute force (unit vectors: cosine = dot product), as catalogue indexes. */
function exactTopK(data: Dataset, query: Float32Array): number[] {
  const scores = new Float32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let dot = 0;
    const base = i * DIM;
    for (let d = 0; d < DIM; d++) dot += (data.vectors[base + d] as number) * (query[d] as number);
    scores[i] = dot;
  }
  return Array.from(scores.keys())
    .sort((a, b) => (scores[b] as number) - (scores[a] as number))
    .slice(0, K);
}

/** Loads the catalogue unless a complete copy is there already: rows first, then one bulk HNSW build. */
async function load(store: SqlStore, data: Dataset): Promise<void> {
  const db = store.executor;
  const [have] = await db.query<{ n: number }>('SELECT count(*)::float8 AS n FROM listings');
  const [index] = await db.query<{ def: string | null }>(
    "SELECT pg_get_indexdef(to_regclass('listings_embedding_hnsw')) AS def",
  );
  if (Number(have?.n) === data.n && index?.def) {
    log(`${store.kind}: reusing the ${data.n} rows kept by an earlier run`);
    return;
  }
  await db.query('TRUNCATE listings');
  const def = index?.def;
  if (def) await db.query('DROP INDEX listings_embedding_hnsw');
  const started = performance.now();
  for (let offset = 0; offset < data.n; offset += 1000) {
    const items = Array.from({ length: Math.min(1000, data.n - offset) }, (_, j) => {
      const i = offset + j;
      return {
        source: 'bench',
        externalId: String(i),
        title: `Listing ${i}`,
        description: null,
        brand: null,
        size: null,
        category: null,
        condition: null,
        conditionRaw: null,
        price: null,
        url: `https://example.com/l/${i}`,
        appUrl: null,
        imageUrl: `https://example.com/i/${i}.jpg`,
        status: 'active' as const,
        imageHash: null,
        model: MODEL,
        vector: data.vectors.subarray(i * DIM, (i + 1) * DIM),
      };
    });
    await store.upsert(items);
    if ((offset / 1000) % 20 === 0) log(`${store.kind}: ${offset + items.length}/${data.n} rows`);
  }
  log(`${store.kind}: rows in ${((performance.now() - started) / 1000).toFixed(0)} s; building the HNSW index…`);
  const build = performance.now();
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    await tx.query("SET LOCAL maintenance_work_mem = '1GB'");
    await tx.query(
      def ??
        `CREATE INDEX listings_embedding_hnsw ON listings USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
    );
  });
  await db.query('ANALYZE listings');
  log(`${store.kind}: index built in ${((performance.now() - build) / 1000).toFixed(0)} s`);
}

// ---- the server ----------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

interface Server {
  child: ChildProcess;
  port: number;
}

/** The built server in its own process, so the load generator does not share its event loop. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      FTF_OPEN: 'true',
      FTF_RATE_LIMIT_RPS: '0',
      FTF_RATE_LIMIT_KEY_RPS: '0',
      FTF_LOG_LEVEL: 'warn',
      FTF_MODEL: preset.name,
      FTF_HNSW_EF_SEARCH: String(EF),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready in 120 s');
}

async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

/** User + system CPU of a process so far, in ms (Linux /proc; clock ticks are 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function summarise(
  base: Omit<Run, 'qps' | 'p50' | 'p99' | 'errors'>,
  latencies: number[],
  errors: number,
  ms: number,
): Run {
  return {
    ...base,
    qps: latencies.length / (ms / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

async function httpRun(server: Server, data: Dataset, connections: number, round: number, backend: Backend) {
  const bodies = data.queries.map((q) =>
    jsonPost('127.0.0.1', '/v1/search', JSON.stringify({ model: MODEL, vector: encodeVector(q), k: K })),
  );
  const cpuBefore = processCpuMs(server.child.pid as number);
  const result = await runLoad({
    host: '127.0.0.1',
    port: server.port,
    connections,
    durationMs: DURATION_MS,
    request: (i) => bodies[i % bodies.length] as Buffer,
  });
  const cpu = processCpuMs(server.child.pid as number) - cpuBefore;
  const run = summarise(
    { backend, path: 'http', connections, round },
    result.latencies,
    result.errors,
    result.elapsedMs,
  );
  run.serverCpuMs = cpu / Math.max(1, result.latencies.length);
  return run;
}

/** `connections` loops each awaiting one search at a time, like the HTTP clients. */
async function closedLoop(connections: number, search: (loop: number, i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: connections }, async (_, loop) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await search(loop, next++);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, errors, ms: performance.now() - started };
}

const searchStatement = (query: Float32Array) => buildSearch({ vector: query, k: K + 1, filters: {} });

async function directPostgres(databaseUrl: string, data: Dataset, connections: number, round: number): Promise<Run> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`SET hnsw.ef_search = ${EF}; SET hnsw.iterative_scan = strict_order;
        SET plan_cache_mode = force_custom_plan; SET random_page_cost = 1.1`);
      return client;
    }),
  );
  const statements = data.queries.map(searchStatement);
  try {
    const result = await closedLoop(connections, (loop, i) => {
      const client = clients[loop] as pg.Client;
      const { text, params } = statements[i % statements.length] as ReturnType<typeof buildSearch>;
      const values = params.map((p) => (p instanceof Float32Array ? toPgvectorBinary(p) : p));
      return client.query({ name: 'ftf_search', text, values });
    });
    return summarise(
      { backend: 'postgres', path: 'direct', connections, round },
      result.latencies,
      result.errors,
      result.ms,
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function directStore(store: SqlStore, data: Dataset, connections: number, round: number): Promise<Run> {
  const result = await closedLoop(connections, (_loop, i) =>
    store.search({ vector: data.queries[i % data.queries.length] as Float32Array, k: K + 1, filters: {} }),
  );
  return summarise(
    { backend: 'pglite', path: 'direct', connections, round },
    result.latencies,
    result.errors,
    result.ms,
  );
}

/** recall@20 of the server's answers against brute force. */
async function httpRecall(server: Server, data: Dataset): Promise<number> {
  let sum = 0;
  for (const query of data.queries) {
    const response = await fetch(`http://127.0.0.1:${server.port}/v1/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, vector: encodeVector(query), k: K }),
    });
    const body = (await response.json()) as { results: Array<{ externalId: string }> };
    const got = new Set(body.results.map((r) => Number(r.externalId)));
    sum += exactTopK(data, query).filter((i) => got.has(i)).length / K;
  }
  return sum / data.queries.length;
}

// ---- one back end ---------------------------------------------------------------------------------------

async function benchPostgres(baseUrl: string, n: number) {
  const name = `ftf_bench_${n}_${DIM}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const data = dataset(n);
  const runs: Run[] = [];
  let recall = 0;
  try {
    const store = await openSqlStore({
      databaseUrl,
      fingerprint: MODEL,
      dim: DIM,
      hnsw: { m: 16, efConstruction: 64, efSearch: EF },
      statementTimeoutMs: 3_600_000,
    });
    await load(store, data).finally(() => store.close());
    const server = await startServer({ DATABASE_URL: databaseUrl });
    try {
      recall = await httpRecall(server, data);
      log(`postgres: recall@${K} ${recall.toFixed(3)}`);
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of CONNECTIONS) {
          // Alternate which path goes first, so drift (cache, a neighbour's load) does not favour one.
          const order: Path[] = (round + CONNECTIONS.indexOf(c)) % 2 === 0 ? ['http', 'direct'] : ['direct', 'http'];
          for (const path of order) {
            const run =
              path === 'http'
                ? await httpRun(server, data, c, round, 'postgres')
                : await directPostgres(databaseUrl, data, c, round);
            log(JSON.stringify(run));
            runs.push(run);
          }
        }
      }
    } finally {
      await stopServer(server);
    }
  } finally {
    if (!values.keep) {
      const again = new pg.Client({ connectionString: baseUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    }
  }
  return { backend: 'postgres' as const, n, recall, runs };
}

async function benchPglite(n: number) {
  const dir = join(tmpdir(), `ftf-bench-pglite-${n}-${DIM}`);
  await mkdir(dir, { recursive: true });
  const data = dataset(n);
  const runs: Run[] = [];
  let recall = 0;
  const open = () =>
    openSqlStore({
      dataDir: dir,
      fingerprint: MODEL,
      dim: DIM,
      hnsw: { m: 16, efConstruction: 64, efSearch: EF },
      statementTimeoutMs: 3_600_000,
    });
  try {
    const first = await open();
    await load(first, data).finally(() => first.close());
    for (let round = 0; round < ROUNDS; round++) {
      // PGlite has one owner at a time: the server, then this process (or the other way round).
      const order: Path[] = round % 2 === 0 ? ['http', 'direct'] : ['direct', 'http'];
      for (const path of order) {
        if (path === 'http') {
          const server = await startServer({ FTF_DATA_DIR: dir });
          try {
            if (round === 0) {
              recall = await httpRecall(server, data);
              log(`pglite: recall@${K} ${recall.toFixed(3)}`);
            }
            for (const c of CONNECTIONS) {
              const run = await httpRun(server, data, c, round, 'pglite');
              log(JSON.stringify(run));
              runs.push(run);
            }
          } finally {
            await stopServer(server);
          }
        } else {
          const store = await open();
          try {
            for (const c of CONNECTIONS) {
              const run = await directStore(store, data, c, round);
              log(JSON.stringify(run));
              runs.push(run);
            }
          } finally {
            await store.close();
          }
        }
      }
    }
  } finally {
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
  return { backend: 'pglite' as const, n, recall, runs };
}

// ---- report -------------------------------------------------------------------------------------------

const median = (xs: number[]) => percentile(xs, 50);

function summary(result: { backend: Backend; n: number; recall: number; runs: Run[] }) {
  return {
    backend: result.backend,
    n: result.n,
    dim: DIM,
    efSearch: EF,
    recallAt20: result.recall,
    byConnections: CONNECTIONS.map((connections) => {
      const pick = (path: Path) => result.runs.filter((r) => r.path === path && r.connections === connections);
      const agg = (runs: Run[]) => ({
        qps: median(runs.map((r) => r.qps)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        errors: runs.reduce((s, r) => s + r.errors, 0),
        ...(runs[0]?.serverCpuMs !== undefined ? { serverCpuMs: median(runs.map((r) => r.serverCpuMs ?? 0)) } : {}),
      });
      const http = agg(pick('http'));
      const direct = agg(pick('direct'));
      return {
        connections,
        http,
        direct,
        qpsRatio: http.qps / direct.qps,
        p50DiffMs: http.p50 - direct.p50,
      };
    }),
  };
}

const databaseUrl = process.env.FTF_BENCH_DATABASE_URL ?? process.env.FTF_TEST_DATABASE_URL;
if (!existsSync(CLI))
  throw new Error(`build the server first (${CLI} is missing): pnpm --filter @find-this-fit/server build`);
const results = [];
for (const backend of values.backends.split(',') as Backend[]) {
  if (backend === 'postgres') {
    if (!databaseUrl) {
      log('postgres skipped: set FTF_BENCH_DATABASE_URL (e.g. from `bash .ci/pg-cluster.sh start`)');
      continue;
    }
    results.push(summary(await benchPostgres(databaseUrl, Number(values.n))));
  } else if (backend === 'pglite') {
    results.push(summary(await benchPglite(Number(values['pglite-n']))));
  } else throw new Error(`unknown back end ${backend}`);
}

const f = (x: number, digits = 2) => x.toFixed(digits);
const lines = [
  `Search: dim ${DIM}, ef_search ${EF}, k = ${K}, ${values.duration} s per run, ${ROUNDS} alternated rounds (medians), rate limit off.`,
  '',
  '| back end | rows | recall@20 | conc. | HTTP req/s | direct req/s | HTTP ÷ direct | HTTP p50 / p99 (ms) | direct p50 / p99 (ms) | p50 diff (ms) | server CPU / search (ms) | errors |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const r of results) {
  for (const c of r.byConnections) {
    lines.push(
      `| ${r.backend} | ${r.n} | ${f(r.recallAt20, 3)} | ${c.connections} | ${f(c.http.qps, 0)} | ${f(c.direct.qps, 0)} | ${f(c.qpsRatio)} | ${f(c.http.p50)} / ${f(c.http.p99)} | ${f(c.direct.p50)} / ${f(c.direct.p99)} | ${f(c.p50DiffMs)} | ${f(c.http.serverCpuMs ?? 0)} | ${c.http.errors + c.direct.errors} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) {
  await writeFile(values.json, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
  log(`JSON summary written to ${values.json}`);
}

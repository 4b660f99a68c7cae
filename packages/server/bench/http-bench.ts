// pnpm bench:search (second half) — end-to-end HTTP: insert rate through the admin API, then search
// throughput and p50/p99 at concurrency 1, 8 and 32 (autocannon, 30 s each by default) against the real
// server (its built bin, a separate process), next to the same store query run directly through `pg` in the
// same run, so the HTTP layer's overhead shows as a ratio.
// Flags: --n 100000 --dim 768 --backends postgres,pglite --duration 30 --connections 1,8,32 --ef 100
// Postgres: FTF_BENCH_DATABASE_URL (or FTF_TEST_DATABASE_URL); a fresh schema is created and dropped.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeVector, FindThisFit, fingerprintOf, getPreset, type ModelPreset, PRESETS } from '@find-this-fit/sdk';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDirectSearch } from './direct-search.js';
import { clusteredVectors, percentile } from './synthetic.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '768' },
    backends: { type: 'string', default: 'postgres,pglite' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '1,8,32' },
    ef: { type: 'string', default: '100' },
    queries: { type: 'string', default: '500' },
  },
});
const N = Number(values.n);
const DIM = Number(values.dim);
const DURATION = Number(values.duration);
const CONNECTIONS = values.connections.split(',').map(Number);
const EF = Number(values.ef);
const SECRET = 'sk_bench_0123456789abcdef';
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const log = (m: string) => process.stderr.write(`[http-bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** A preset with the real dims (512 → CLIP ViT-B/32, 768 → SigLIP), so the index has the real shape. */
function presetFor(dim: number): ModelPreset {
  const preset = Object.values(PRESETS).find((p) => p.dim === dim);
  if (!preset) throw new Error(`no preset with dim ${dim}`);
  return getPreset(preset.name);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/** The built server in its own process (so the load generator doesn't share its event loop), quiet logs. */
async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      FTF_SECRET_KEYS: SECRET,
      FTF_OPEN: 'true',
      FTF_RATE_LIMIT_RPS: '0',
      FTF_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready in 60 s');
}

interface Row {
  backend: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function benchBackend(backend: 'postgres' | 'pglite', databaseUrl: string | undefined) {
  const preset = presetFor(DIM);
  const model = fingerprintOf(preset);
  const work = await mkdtemp(join(tmpdir(), 'ftf-http-bench-'));
  const schema = `ftf_bench_${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    FTF_MODEL: preset.name,
    FTF_HNSW_EF_SEARCH: String(EF),
    FTF_DATA_DIR: join(work, 'data'),
  };
  if (backend === 'postgres') {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema},public`);
    env.DATABASE_URL = url.toString();
  }
  const server = await startServer(env);
  try {
    const client = new FindThisFit({ baseURL: server.url, apiKey: SECRET, timeout: 600_000 });
    const gen = clusteredVectors({ dim: DIM, seed: 7 });
    const started = performance.now();
    for (let offset = 0; offset < N; offset += 500) {
      const items = Array.from({ length: Math.min(500, N - offset) }, (_, i) => ({
        source: 'bench',
        externalId: String(offset + i),
        title: `Listing ${offset + i}`,
        url: `https://example.com/l/${offset + i}`,
        imageUrl: `https://example.com/i/${offset + i}.jpg`,
        vector: gen.next(),
      }));
      await client.items.upsert(items, { model });
      if ((offset / 500) % 20 === 0) log(`${backend}: ${offset + items.length}/${N} inserted`);
    }
    const insertRate = N / ((performance.now() - started) / 1000);
    log(`${backend}: ${insertRate.toFixed(0)} rows/s through PUT /v1/items`);

    const queries = Array.from({ length: Number(values.queries) }, () => gen.query());
    const bodies = queries.map((q) => JSON.stringify({ model, vector: encodeVector(q), k: 20 }));
    const rows: Row[] = [];
    for (const connections of CONNECTIONS) {
      let next = 0;
      const result = await autocannon({
        url: server.url,
        connections,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            path: '/v1/search',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      });
      const row = {
        backend,
        connections,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
      };
      log(JSON.stringify(row));
      rows.push(row);
    }

    // The same store query straight through pg, sequentially (Postgres only: PGlite is owned by the server).
    let direct: { p50: number; p99: number } | undefined;
    if (backend === 'postgres') {
      const search = await createDirectSearch({ databaseUrl: databaseUrl!, schema, efSearch: EF });
      const times: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        await search.search(q, 20);
        times.push(performance.now() - t);
      }
      await search.close();
      direct = { p50: percentile(times, 50), p99: percentile(times, 99) };
    }
    return { backend, insertRate, rows, direct };
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    if (backend === 'postgres') {
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
    await rm(work, { recursive: true, force: true });
  }
}

const databaseUrl = process.env.FTF_BENCH_DATABASE_URL ?? process.env.FTF_TEST_DATABASE_URL;
const lines: string[] = [
  `HTTP: N = ${N}, dim ${DIM}, ef_search ${EF}, k = 20, ${DURATION} s per concurrency level, rate limit off.`,
  '',
];
lines.push(
  '| back end | insert (rows/s, admin API) | concurrency | req/s | p50 (ms) | p99 (ms) | errors | direct pg p50 (ms) | HTTP p50 − direct p50 |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const backend of values.backends.split(',') as ('postgres' | 'pglite')[]) {
  if (backend === 'postgres' && !databaseUrl) {
    log('postgres skipped: set FTF_BENCH_DATABASE_URL (e.g. from `bash .ci/pg-cluster.sh start`)');
    continue;
  }
  const result = await benchBackend(backend, databaseUrl);
  for (const row of result.rows) {
    const direct = result.direct ? result.direct.p50.toFixed(2) : '–';
    const overhead = result.direct && row.connections === 1 ? `${(row.p50 - result.direct.p50).toFixed(2)} ms` : '–';
    lines.push(
      `| ${row.backend} | ${result.insertRate.toFixed(0)} | ${row.connections} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.errors} | ${direct} | ${overhead} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);

// pnpm bench:soak — the server under sustained mixed load, then SIGTERM while the load is still running.
// Per back end (PGlite, PostgreSQL): the built server as a child process, seeded; `--duration` s at
// `--concurrency` keep-alive clients, 90 % searches and 10 % writes (secret key, upserts of new items
// with vectors of the fixture model's dimension); meanwhile /healthz on a fresh connection every 50 ms (from its own thread).
// Then SIGTERM with the clients still sending: requests answered, refused (listener closed: expected) and
// reset (a request the server had accepted and dropped: must be 0). Finally the server is restarted on
// the same data and every acknowledged write is read back.
// Reports req/s, p50/p99, errors by kind, acknowledged vs stored, /healthz p50/p99, event-loop lag p99
// (the server's own prom-client gauge, scraped before and after the load), resets at SIGTERM.
// Flags: --duration 60 --concurrency 64 --backends pglite,postgres --seed 2000 --writes 0.1
//        --cli <path to a built cli.js> (default: this package's dist; used to measure an older build)
//        --json <file> (the results as JSON)
// PostgreSQL: FTF_BENCH_DATABASE_URL or FTF_TEST_DATABASE_URL; a fresh database is created and dropped.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { fingerprintOf, getPreset } from '@find-this-fit/sdk';
import pg from 'pg';
import { percentile } from './synthetic.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '64' },
    backends: { type: 'string', default: 'pglite,postgres' },
    seed: { type: 'string', default: '2000' },
    writes: { type: 'string', default: '0.1' },
    cli: { type: 'string', default: resolve(import.meta.dirname, '../dist/cli.js') },
    json: { type: 'string' },
  },
});
const DURATION_MS = Number(values.duration) * 1000;
const CONCURRENCY = Number(values.concurrency);
const SEED = Number(values.seed);
const WRITE_RATIO = Number(values.writes);
const CLI = values.cli;
for (const [name, v] of [
  ['duration', DURATION_MS],
  ['concurrency', CONCURRENCY],
  ['seed', SEED],
]) {
  if (!Number.isFinite(v) || (v as number) <= 0) throw new Error(`--${name} must be a positive number`);
}
if (!(WRITE_RATIO >= 0 && WRITE_RATIO <= 1)) throw new Error('--writes must be between 0 and 1');

const PRESET = getPreset('fixture');
const DIM = PRESET.dim;
const MODEL = fingerprintOf(PRESET);
const SECRET = 'sk_soak_0123456789abcdef';
const log = (m: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function randomVector(): number[] {
  const v = Array.from({ length: DIM }, () => Math.random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const item = (externalId: string) => ({
  source: 'soak',
  externalId,
  title: `Soak listing ${externalId}`,
  url: `https://example.com/l/${externalId}`,
  imageUrl: `https://example.com/i/${externalId}.jpg`,
  vector: randomVector(),
});

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One request; rejects with the socket error (its `code` says which: ECONNRESET, ECONNREFUSED, …). */
function send(
  url: string,
  method: string,
  path: string,
  agent: Agent | false,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${SECRET}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if (!res.complete) reject(Object.assign(new Error('incomplete response'), { code: 'INCOMPLETE' }));
          else
            resolvePromise({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              ms: performance.now() - started,
            });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

const errorKind = (error: unknown) => String((error as { code?: unknown }).code ?? (error as Error).message);
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      FTF_MODEL: 'fixture',
      FTF_SECRET_KEYS: SECRET,
      FTF_OPEN: 'true',
      FTF_RATE_LIMIT_RPS: '0',
      FTF_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) resolveUrl(match[1] as string);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  // Keep draining its output (a full pipe would stall the server); echo warnings about shedding/shutdown.
  const echo = (chunk: Buffer) => {
    for (const line of String(chunk).split('\n')) if (/"level":(40|50|60)/.test(line)) log(`server: ${line}`);
  };
  child.stdout?.on('data', echo);
  child.stderr?.on('data', echo);
  return { child, url };
}

// The prober has its own thread: on the load generator's event loop, busy parsing 64 clients' answers, a
// probe's timing would include that loop's lag, not only the server's.
const PROBER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
let running = true;
const samples = [];
let failed = 0;
parentPort.on('message', () => { running = false; });
const probe = () => new Promise((resolve) => {
  const started = performance.now();
  const req = http.get(workerData.url + '/healthz', { agent: false, timeout: 10000 }, (res) => {
    res.resume();
    res.on('error', () => { failed++; resolve(); });
    res.on('end', () => {
      if (res.statusCode === 200 && res.complete) samples.push(performance.now() - started);
      else failed++;
      resolve();
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => { failed++; resolve(); });
});
(async () => {
  while (running) {
    await probe();
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage({ samples, failed });
})();
`;

function startProber(url: string): { stop(): Promise<{ samples: number[]; failed: number }> } {
  const worker = new Worker(PROBER_SOURCE, { eval: true, workerData: { url } });
  return {
    stop: () =>
      new Promise((resolveStop, reject) => {
        worker.once('error', reject);
        worker.once('message', (result: { samples: number[]; failed: number }) => {
          void worker.terminate();
          resolveStop(result);
        });
        worker.postMessage('stop');
      }),
  };
}

async function lagP99Ms(url: string): Promise<number | undefined> {
  const { body } = await send(url, 'GET', '/metrics', false);
  const match = /^ftf_nodejs_eventloop_lag_p99_seconds\s+([\d.e+-]+)/m.exec(body);
  return match ? Number(match[1]) * 1000 : undefined;
}

interface Result {
  backend: string;
  durationS: number;
  concurrency: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
  healthz: { probes: number; p50Ms: number; p99Ms: number; maxMs: number; failed: number };
  eventLoopLagP99Ms: number | undefined;
  shutdown: {
    exitCode: number | null;
    answered: number;
    refused: number;
    reset: number;
    other: Record<string, number>;
  };
  writes: { acknowledged: number; stored: number };
}

async function soak(backend: 'pglite' | 'postgres', env: Record<string, string>): Promise<Result> {
  let server = await startServer(env);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  log(`${backend}: seeding ${SEED} items`);
  for (let offset = 0; offset < SEED; offset += 500) {
    const items = Array.from({ length: Math.min(500, SEED - offset) }, (_, i) => item(`seed-${offset + i}`));
    const answer = await send(server.url, 'PUT', '/v1/items', agent, { model: MODEL, items }, 600_000);
    if (answer.status !== 200) throw new Error(`seeding failed: ${answer.status} ${answer.body}`);
  }

  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const acknowledged = new Map<string, string>(); // item id → externalId
  let nextWrite = 0;
  let phase: 'load' | 'shutdown' = 'load';
  const afterSigterm = { answered: 0, refused: 0, reset: 0, other: new Map<string, number>() };

  const oneRequest = async () => {
    const write = Math.random() < WRITE_RATIO;
    const externalId = `w-${nextWrite++}`;
    try {
      const answer = write
        ? await send(server.url, 'PUT', '/v1/items', agent, { model: MODEL, items: [item(externalId)] })
        : await send(server.url, 'POST', '/v1/search', agent, { model: MODEL, vector: randomVector(), k: 20 });
      if (phase === 'shutdown') afterSigterm.answered++;
      else latencies.push(answer.ms);
      if (answer.status !== 200) {
        bump(phase === 'shutdown' ? afterSigterm.other : errors, `HTTP ${answer.status}`);
        return;
      }
      if (write) {
        const id = (JSON.parse(answer.body) as { ids: string[] }).ids[0] as string;
        acknowledged.set(id, externalId);
      }
    } catch (error) {
      const kind = errorKind(error);
      if (phase === 'load') bump(errors, kind);
      else if (kind === 'ECONNREFUSED') afterSigterm.refused++;
      else if (kind === 'ECONNRESET' || kind === 'EPIPE' || kind === 'INCOMPLETE') afterSigterm.reset++;
      else bump(afterSigterm.other, kind);
      // A refused connection: the listener is gone; don't spin.
      if (phase === 'shutdown') await new Promise((r) => setTimeout(r, 20));
    }
  };

  let running = true;
  const clients = Array.from({ length: CONCURRENCY }, async () => {
    while (running) await oneRequest();
  });

  // /healthz on a fresh TCP connection every 50 ms, as an orchestrator's probe would.
  const prober = startProber(server.url);

  // prom-client resets its event-loop histogram on each scrape; a failed scrape only loses that figure.
  await lagP99Ms(server.url).catch(() => undefined);
  const started = performance.now();
  log(`${backend}: ${DURATION_MS / 1000} s at concurrency ${CONCURRENCY}, ${WRITE_RATIO * 100} % writes`);
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const elapsedS = (performance.now() - started) / 1000;
  const lag = await lagP99Ms(server.url).catch(() => undefined);
  const requests = latencies.length;

  const { samples: health, failed: healthFailed } = await prober.stop();

  log(`${backend}: SIGTERM with the clients still sending`);
  phase = 'shutdown';
  server.child.kill('SIGTERM');
  const [exitCode] = (await once(server.child, 'exit')) as [number | null];
  // Let requests that were on the wire settle (refused or answered) before stopping the clients.
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  await Promise.all(clients);
  agent.destroy();

  log(`${backend}: restarting on the same data to read back ${acknowledged.size} acknowledged writes`);
  server = await startServer(env);
  let stored = 0;
  const ids = [...acknowledged.entries()];
  const reader = new Agent({ keepAlive: true, maxSockets: 16 });
  await Promise.all(
    Array.from({ length: 16 }, async (_, lane) => {
      for (let i = lane; i < ids.length; i += 16) {
        const [id, externalId] = ids[i] as [string, string];
        const answer = await send(server.url, 'GET', `/v1/items/${id}`, reader);
        if (answer.status === 200 && (JSON.parse(answer.body) as { externalId?: string }).externalId === externalId)
          stored++;
      }
    }),
  );
  reader.destroy();
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');

  return {
    backend,
    durationS: Math.round(elapsedS * 10) / 10,
    concurrency: CONCURRENCY,
    requests,
    rps: Math.round(requests / elapsedS),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    errors: Object.fromEntries(errors),
    healthz: {
      probes: health.length,
      p50Ms: round(percentile(health, 50)),
      p99Ms: round(percentile(health, 99)),
      maxMs: round(Math.max(...health)),
      failed: healthFailed,
    },
    eventLoopLagP99Ms: lag === undefined ? undefined : round(lag),
    shutdown: {
      exitCode,
      answered: afterSigterm.answered,
      refused: afterSigterm.refused,
      reset: afterSigterm.reset,
      other: Object.fromEntries(afterSigterm.other),
    },
    writes: { acknowledged: acknowledged.size, stored },
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

async function withPostgres<T>(baseUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const database = `ftf_soak_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  try {
    const url = new URL(baseUrl);
    url.pathname = `/${database}`;
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main() {
  const results: Result[] = [];
  for (const backend of values.backends.split(',').map((b) => b.trim())) {
    if (backend === 'pglite') {
      const dir = await mkdtemp(join(tmpdir(), 'ftf-soak-'));
      try {
        results.push(await soak('pglite', { FTF_DATA_DIR: join(dir, 'data') }));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else if (backend === 'postgres') {
      const baseUrl = process.env.FTF_BENCH_DATABASE_URL || process.env.FTF_TEST_DATABASE_URL;
      if (!baseUrl) {
        log('postgres skipped: set FTF_BENCH_DATABASE_URL or FTF_TEST_DATABASE_URL');
        continue;
      }
      results.push(await withPostgres(baseUrl, (url) => soak('postgres', { DATABASE_URL: url })));
    } else {
      throw new Error(`unknown back end ${backend} (pglite, postgres)`);
    }
  }
  for (const r of results) {
    const errors =
      Object.entries(r.errors)
        .map(([k, n]) => `${k}×${n}`)
        .join(', ') || '0';
    process.stdout.write(
      `${r.backend.padEnd(8)} ${r.durationS} s c=${r.concurrency}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, errors ${errors}; ` +
        `/healthz p50 ${r.healthz.p50Ms} ms p99 ${r.healthz.p99Ms} ms max ${r.healthz.maxMs} ms (${r.healthz.probes} probes, ${r.healthz.failed} failed); ` +
        `event-loop lag p99 ${r.eventLoopLagP99Ms ?? '?'} ms; writes acknowledged ${r.writes.acknowledged}, stored ${r.writes.stored}; ` +
        `SIGTERM: exit ${r.shutdown.exitCode}, ${r.shutdown.answered} answered, ${r.shutdown.refused} refused, ${r.shutdown.reset} reset` +
        `${Object.keys(r.shutdown.other).length ? `, other ${JSON.stringify(r.shutdown.other)}` : ''}\n`,
    );
  }
  if (values.json) await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
}

await main();

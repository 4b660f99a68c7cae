import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import type { Executor } from '../../src/store/executor.js';
import { createStore } from '../../src/store/index.js';
import { openPg } from '../../src/store/pg-executor.js';
import { openPGlite } from '../../src/store/pglite-executor.js';
import type { ShedEvent } from '../../src/store/query-queue.js';
import { client, DIM, MODEL, serve, testConfig } from '../api/harness.js';
import { postgresUrl } from './backends.js';

// Load shedding: past the queue limit a query is refused at once with StoreError 'overloaded' (the HTTP
// layer's 503 + Retry-After) instead of waiting without bound; each burst is reported once. Real PGlite in
// its worker thread, and a real PostgreSQL pool when FTF_TEST_DATABASE_URL is set.
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `n` queries at once that each hold the database ~50 ms; what became of each. */
async function burst(executor: Executor, n: number) {
  const outcomes = await Promise.allSettled(
    Array.from({ length: n }, () => executor.query<{ ok: number }>('SELECT 1 AS ok FROM pg_sleep(0.05)')),
  );
  const served = outcomes.filter((o) => o.status === 'fulfilled').length;
  const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  return { served, refused };
}

/** Longer than the quiet spell after which the queue limit reports a burst as over. */
const calm = () => new Promise((r) => setTimeout(r, 1_100));

function expectShedding(result: Awaited<ReturnType<typeof burst>>, limit: number, n: number, running: number) {
  // `running` queries hold connections, `limit` more may wait; everything beyond is refused at once.
  expect(result.served).toBe(running + limit);
  expect(result.refused).toHaveLength(n - running - limit);
  for (const error of result.refused) {
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('overloaded');
    expect((error as StoreError).details).toMatchObject({ retryAfterSeconds: 1, queueLimit: limit });
  }
}

describe('pglite (worker thread)', () => {
  it('refuses queries past the queue limit and reports the burst once, at its start and its end', async () => {
    const events: ShedEvent[] = [];
    const executor = await openPGlite(':memory:', { queueLimit: 3, onShed: (e) => events.push(e) });
    try {
      const result = await burst(executor, 12);
      expectShedding(result, 3, 12, 1);
      expect(events).toEqual([{ phase: 'start', limit: 3, shed: 0 }]);
      // Calm again (past the quiet spell that ends a burst): the next query is served and closes the burst.
      await calm();
      expect(await executor.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(events).toEqual([
        { phase: 'start', limit: 3, shed: 0 },
        { phase: 'end', limit: 3, shed: 8 },
      ]);
    } finally {
      await executor.close();
    }
  });

  it('keeps driver errors typed across the thread boundary and rolls back a failed transaction', async () => {
    const executor = await openPGlite(':memory:');
    try {
      await executor.query('CREATE TABLE t (id int PRIMARY KEY, n int CHECK (n >= 0))');
      await executor.query('INSERT INTO t VALUES (1, 1)');
      const duplicate = await executor.query('INSERT INTO t VALUES (1, 2)').catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(StoreError);
      expect(duplicate).toMatchObject({ code: 'invalid_input', details: { constraint: 't_pkey' } });
      const cause = (duplicate as StoreError).cause as { code?: string };
      expect(cause.code).toBe('23505');

      const failed = await executor
        .transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (2, 2)');
          await tx.query('INSERT INTO t VALUES (3, -1)');
        })
        .catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 'invalid_input', details: { constraint: 't_n_check' } });
      const thrown = await executor
        .transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (4, 4)');
          throw new Error('caller changed its mind');
        })
        .catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(StoreError);
      expect(await executor.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);

      await executor.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (5, 5)');
      });
      expect(await executor.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 5 }]);
    } finally {
      await executor.close();
    }
  });

  it('answers queued queries on close, then refuses new ones as unavailable and frees the data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftf-queue-'));
    dirs.push(dir);
    const executor = await openPGlite(dir);
    const queued = Array.from({ length: 5 }, () => executor.query('SELECT 1 AS ok FROM pg_sleep(0.02)'));
    const closed = executor.close();
    expect(await Promise.all(queued)).toEqual(Array(5).fill([{ ok: 1 }]));
    await closed;
    await expect(executor.query('SELECT 1')).rejects.toMatchObject({ code: 'unavailable' });
    const reopened = await openPGlite(dir);
    await reopened.close();
  });

  it('answers 503 overloaded with Retry-After over HTTP when the queue is full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftf-queue-'));
    dirs.push(dir);
    const store = await createStore({
      fingerprint: MODEL,
      dim: DIM,
      hnsw: { m: 16, efConstruction: 64, efSearch: 100 },
      dataDir: dir,
      queryQueueMax: 1,
    });
    const server = await serve(store, testConfig());
    try {
      const call = client(server.url);
      const vector = Array.from({ length: DIM }, (_, i) => (i === 0 ? 1 : 0));
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => call('/v1/search', { body: { model: MODEL, vector, k: 5 } })),
      );
      const shed = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status !== 503 && a.status !== 200)).toEqual([]);
      expect(shed.length).toBeGreaterThan(0);
      for (const answer of shed) {
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.json.error.code).toBe('overloaded');
      }
      // Once the burst is over the server answers normally.
      expect((await call('/v1/search', { body: { model: MODEL, vector, k: 5 } })).status).toBe(200);
    } finally {
      await server.close();
      await store.close();
    }
  });
});

const pgUrl = postgresUrl();
describe.skipIf(!pgUrl)('postgres (pg pool)', () => {
  it('refuses queries waiting for a pool connection past the queue limit', async () => {
    const events: ShedEvent[] = [];
    const executor = openPg({
      connectionString: pgUrl!,
      poolSize: 2,
      statementTimeoutMs: 10_000,
      sessionSql: 'SELECT 1',
      onError: () => {},
      queueLimit: 3,
      onShed: (e) => events.push(e),
    });
    try {
      // Warm both connections so the burst measures queueing, not connecting.
      await Promise.all([executor.query('SELECT 1'), executor.query('SELECT 1')]);
      const result = await burst(executor, 15);
      expectShedding(result, 3, 15, 2);
      expect(events).toEqual([{ phase: 'start', limit: 3, shed: 0 }]);
      await calm();
      await executor.query('SELECT 1');
      expect(events.at(-1)).toEqual({ phase: 'end', limit: 3, shed: 10 });
    } finally {
      await executor.close();
    }
  });

  it('checks the limit for transactions too', async () => {
    const executor = openPg({
      connectionString: pgUrl!,
      poolSize: 1,
      statementTimeoutMs: 10_000,
      sessionSql: 'SELECT 1',
      onError: () => {},
      queueLimit: 1,
    });
    try {
      await executor.query('SELECT 1');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => executor.transaction((tx) => tx.query('SELECT pg_sleep(0.05)'))),
      );
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      expect(refused.map((e) => (e as StoreError).code)).toEqual(['overloaded', 'overloaded', 'overloaded']);
    } finally {
      await executor.close();
    }
  });
});

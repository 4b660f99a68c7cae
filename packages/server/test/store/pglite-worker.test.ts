import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import type { Executor } from '../../src/store/executor.js';
import { openPGlite } from '../../src/store/pglite-executor.js';

// PGlite runs in a worker thread (pglite-worker.ts); these check what crossing the thread must keep.
const executors: Executor[] = [];
afterEach(async () => {
  for (const e of executors.splice(0)) await e.close();
});

async function open(): Promise<Executor> {
  const executor = await openPGlite(':memory:');
  executors.push(executor);
  return executor;
}

describe('PGlite worker executor', () => {
  it('keeps the driver error across the thread boundary (unique violation → invalid_input + constraint)', async () => {
    const executor = await open();
    await executor.query('CREATE TABLE t (id int PRIMARY KEY)');
    await executor.query('INSERT INTO t VALUES ($1)', [1]);
    const error = await executor.query('INSERT INTO t VALUES ($1)', [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('invalid_input');
    expect((error as StoreError).details).toEqual({ constraint: 't_pkey' });
    const syntax = await executor.query('SELEC 1').catch((e: unknown) => e);
    expect((syntax as StoreError).code).toBe('internal');
  });

  it('runs transactions in the worker: rolled back on a throw, other queries wait for the commit', async () => {
    const executor = await open();
    await executor.query('CREATE TABLE t (id int PRIMARY KEY)');
    await expect(
      executor.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow();
    expect(await executor.query('SELECT * FROM t')).toEqual([]);

    let countSeen: Promise<unknown> | undefined;
    const committed = executor.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (2)');
      // Issued while the transaction is open: PGlite has one session, so it runs after COMMIT.
      countSeen = executor.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      await tx.query('INSERT INTO t VALUES (3)');
      return 'done';
    });
    expect(await committed).toBe('done');
    expect(await countSeen).toEqual([{ n: 2 }]);
  });

  it('does not hold the event loop while PGlite works', async () => {
    const executor = await open();
    const order: string[] = [];
    const query = executor.query('SELECT count(*)::int AS n FROM generate_series(1, 3000000)').then(() => {
      order.push('query');
    });
    // In-thread, PGlite's WebAssembly call would run to its end before any timer could fire.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push('timer');
        resolve();
      }, 0),
    );
    await query;
    expect(order).toEqual(['timer', 'query']);
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { toStoreError } from './errors.js';
import type { Executor, Queryable } from './executor.js';
import { acquireLock, type DataDirLock } from './lock-file.js';

/** PGlite's cluster lives in a subfolder so the lock file (and future files) can sit beside it. */
export const PGLITE_SUBDIR = 'pglite';
export const LOCK_FILE = 'ftf.lock';

class PGliteExecutor implements Executor {
  readonly kind = 'pglite' as const;
  #inFlight = 0;

  constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirLock | undefined,
  ) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.#inFlight++;
    try {
      return (await this.db.query<R>(sql, params as unknown[])).rows;
    } catch (error) {
      throw toStoreError(error);
    } finally {
      this.#inFlight--;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#inFlight++;
    try {
      return await this.db.transaction(async (tx: Transaction) =>
        fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) =>
            (await tx.query<R>(sql, params as unknown[])).rows,
        }),
      );
    } catch (error) {
      throw toStoreError(error);
    } finally {
      this.#inFlight--;
    }
  }

  // One connection; everything else queues behind it.
  connections() {
    return { total: 1, idle: this.#inFlight === 0 ? 1 : 0, waiting: Math.max(0, this.#inFlight - 1) };
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** Opens PGlite with pgvector in `dataDir` (or in memory for ':memory:'), holding the directory's lock. */
export async function openPGlite(dataDir: string): Promise<Executor> {
  if (dataDir === ':memory:') return new PGliteExecutor(await PGlite.create({ extensions: { vector } }), undefined);
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(join(dataDir, LOCK_FILE));
  try {
    const db = await PGlite.create({ dataDir: join(dataDir, PGLITE_SUBDIR), extensions: { vector } });
    return new PGliteExecutor(db, lock);
  } catch (error) {
    lock.release();
    throw toStoreError(error);
  }
}

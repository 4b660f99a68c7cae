import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError, toStoreError } from './errors.js';
import type { Executor, Queryable } from './executor.js';
import { acquireLock, type DataDirLock } from './lock-file.js';
import { deserializeError, type WorkerReply, type WorkerRequest, type WorkerStart } from './pglite-protocol.js';
import { DEFAULT_QUERY_QUEUE_MAX, QueryQueueLimit, type ShedEvent } from './query-queue.js';

/** PGlite's cluster lives in a subfolder so the lock file (and future files) can sit beside it. */
export const PGLITE_SUBDIR = 'pglite';
export const LOCK_FILE = 'ftf.lock';

export interface PGliteOptions {
  /** Queries allowed to wait for the database before new ones are shed (default 256). */
  queueLimit?: number;
  onShed?(event: ShedEvent): void;
  /** The worker died (a WebAssembly abort, out of memory): every query now fails 'unavailable'. */
  onWorkerExit?(error: Error): void;
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The built worker sits beside the bundle. From source (tests, benches under tsx) it is TypeScript, so a
 * small bootstrap imports it through tsx's API (a worker's execArgv cannot carry `--import`).
 */
function startWorker(workerData: WorkerStart): Worker {
  const built = new URL('./pglite-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  // require.resolve gives the CommonJS build; the ESM build sits beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const source = new URL('./pglite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Executor over a worker thread that owns PGlite: the event loop only posts messages and reads answers,
 * so a long search never stalls other requests (or /healthz). PGlite runs one statement at a time;
 * callers queue here, bounded by the queue limit.
 */
class PGliteWorkerExecutor implements Executor {
  readonly kind = 'pglite' as const;
  #nextId = 1;
  #pending = new Map<number, { resolve(reply: WorkerReply & { ok: true }): void; reject(error: unknown): void }>();
  /** Top-level queries and open transactions: one runs, the rest wait. */
  #inFlight = 0;
  #dead: StoreError | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly lock: DataDirLock | undefined,
    private readonly limit: QueryQueueLimit,
    onWorkerExit?: (error: Error) => void,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(toStoreError(deserializeError(reply.error)));
    });
    const fail = (error: Error) => {
      if (this.#dead) return;
      this.#dead = new StoreError('unavailable', 'the database is unavailable', { cause: error });
      for (const waiter of this.#pending.values()) waiter.reject(this.#dead);
      this.#pending.clear();
      if (!this.#closing) onWorkerExit?.(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the PGlite worker exited with code ${code}`)));
  }

  #send(request: Request): Promise<WorkerReply & { ok: true }> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  #admit(): void {
    if (this.#closing) throw new StoreError('unavailable', 'the store is closing');
    this.limit.admit(Math.max(0, this.#inFlight - 1));
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.#admit();
    this.#inFlight++;
    try {
      return (await this.#send({ op: 'query', sql, params })).rows as R[];
    } finally {
      this.#inFlight--;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#admit();
    this.#inFlight++;
    try {
      const { tx } = await this.#send({ op: 'begin' });
      const txId = tx as number;
      let result: T;
      try {
        result = await fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) =>
            (await this.#send({ op: 'query', sql, params, tx: txId })).rows as R[],
        });
      } catch (error) {
        await this.#send({ op: 'rollback', tx: txId }).catch(() => {});
        throw toStoreError(error);
      }
      await this.#send({ op: 'commit', tx: txId });
      return result;
    } finally {
      this.#inFlight--;
    }
  }

  connections() {
    return { total: 1, idle: this.#inFlight === 0 ? 1 : 0, waiting: Math.max(0, this.#inFlight - 1) };
  }

  /** Answers what is queued (PGlite takes messages in order), closes PGlite, ends the worker, frees the lock. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (!this.#dead) await this.#send({ op: 'close' }).catch(() => {});
        await this.worker.terminate();
      } finally {
        this.lock?.release();
      }
    })();
    return this.#closing;
  }
}

/** Opens PGlite with pgvector in `dataDir` (or in memory for ':memory:') in a worker thread, holding the directory's lock. */
export async function openPGlite(dataDir: string, options: PGliteOptions = {}): Promise<Executor> {
  const limit = new QueryQueueLimit(options.queueLimit ?? DEFAULT_QUERY_QUEUE_MAX, options.onShed);
  let lock: DataDirLock | undefined;
  const start: WorkerStart = {};
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireLock(join(dataDir, LOCK_FILE));
    start.dataDir = join(dataDir, PGLITE_SUBDIR);
  }
  try {
    const worker = startWorker(start);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the PGlite worker exited with code ${code} while starting`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (reply.ok) resolve();
        else {
          void worker.terminate();
          reject(deserializeError(reply.error));
        }
      });
    });
    return new PGliteWorkerExecutor(worker, lock, limit, options.onWorkerExit);
  } catch (error) {
    lock?.release();
    throw toStoreError(error);
  }
}

/**
 * The worker thread that owns the PGlite instance. PGlite runs Postgres in WebAssembly on the thread that
 * calls it, so a search holds that thread for its whole run; here that is this worker, never the HTTP
 * event loop. Queries and transactions arrive as messages (see pglite-protocol.ts) and are answered in turn.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { serializeError, type WorkerReply, type WorkerRequest, type WorkerStart } from './pglite-protocol.js';
import { toVectorText } from './vector-text.js';

if (!parentPort) throw new Error('pglite-worker must run in a worker thread');
const port = parentPort;

// Thrown inside db.transaction() to make PGlite roll back; never leaves this module.
const ROLLBACK = Symbol('rollback');

const start = workerData as WorkerStart;
const open: Map<number, { tx: Transaction; finish(commit: boolean): void }> = new Map();
// Settles when a transaction's callback returns (committed) or throws (rolled back).
const ending: Map<number, Promise<void>> = new Map();
let nextTx = 1;

const reply = (message: WorkerReply) => port.postMessage(message);

async function main(): Promise<void> {
  let db: PGlite;
  try {
    db = await PGlite.create({ ...(start.dataDir ? { dataDir: start.dataDir } : {}), extensions: { vector } });
  } catch (error) {
    reply({ id: 0, ok: false, error: serializeError(error) });
    return;
  }
  reply({ id: 0, ok: true, rows: [] });

  port.on('message', (request: WorkerRequest) => {
    void handle(db, request);
  });
}

async function handle(db: PGlite, request: WorkerRequest): Promise<void> {
  const { id } = request;
  try {
    switch (request.op) {
      case 'query': {
        const target = request.tx === undefined ? db : open.get(request.tx)?.tx;
        if (!target) throw new Error(`transaction ${request.tx} is not open`);
        // Query vectors arrive as Float32Array (cheap to post); pgvector's text form is made here, off the HTTP thread.
        const params = request.params.map((p) => (p instanceof Float32Array ? toVectorText(p) : p));
        const result = await target.query(request.sql, params);
        reply({ id, ok: true, rows: result.rows as unknown[] });
        return;
      }
      case 'begin': {
        const txId = nextTx++;
        // PGlite's transaction() holds its own lock: other queries wait until this one commits or rolls back.
        const done = db.transaction(async (tx) => {
          const commit = await new Promise<boolean>((finish) => {
            open.set(txId, { tx, finish });
            reply({ id, ok: true, rows: [], tx: txId });
          });
          if (!commit) throw ROLLBACK;
        });
        // The commit/rollback request answers when this settles; keep its rejection from going unhandled.
        ending.set(txId, done);
        done.catch(() => {});
        return;
      }
      case 'commit':
      case 'rollback': {
        const entry = open.get(request.tx);
        const done = ending.get(request.tx);
        if (!entry || !done) throw new Error(`transaction ${request.tx} is not open`);
        open.delete(request.tx);
        ending.delete(request.tx);
        entry.finish(request.op === 'commit');
        try {
          await done;
        } catch (error) {
          if (error !== ROLLBACK) throw error;
        }
        reply({ id, ok: true, rows: [] });
        return;
      }
      case 'close': {
        if (!db.closed) await db.close();
        reply({ id, ok: true, rows: [] });
        port.close();
        return;
      }
    }
  } catch (error) {
    reply({ id, ok: false, error: serializeError(error) });
  }
}

void main();

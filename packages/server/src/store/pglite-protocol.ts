/** Messages between the PGlite executor (main thread) and the worker that owns PGlite. */

export interface WorkerStart {
  /** PGlite's cluster directory; absent = in memory. */
  dataDir?: string;
}

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

/** id 0 is the start-up answer (PGlite open, or why not). */
export type WorkerReply =
  | { id: number; ok: true; rows: unknown[]; tx?: number }
  | { id: number; ok: false; error: SerializedError };

/** What survives the thread boundary of a driver error: enough for toStoreError to classify it. */
export interface SerializedError {
  message: string;
  code?: string;
  constraint?: string;
  detail?: string;
}

export function serializeError(error: unknown): SerializedError {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; constraint?: unknown; detail?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
    ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
  };
}

/** A plain Error carrying the driver's fields again, for toStoreError. */
export function deserializeError(error: SerializedError): Error {
  return Object.assign(new Error(error.message), error, { name: 'DatabaseError' });
}

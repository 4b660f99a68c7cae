/** Typed failures the HTTP layer maps to status codes; messages never carry SQL text or credentials. */
export type StoreErrorCode =
  /** The index was built for another model or dimension (HTTP layer: refuse to start, or 409). */
  | 'model_mismatch_index'
  /** Another live process holds the PGlite data directory. */
  | 'data_dir_locked'
  /** The database cannot be reached, or the store is closing (503). */
  | 'unavailable'
  /** Too many queries already wait for the database: shed at once (503 + Retry-After). */
  | 'overloaded'
  /** A statement ran past `statementTimeoutMs` (503). */
  | 'timeout'
  /** A row broke a constraint (bad enum value, wrong dim, …): nothing was written (400). */
  | 'invalid_input'
  /** Invalid configuration (e.g. a schema name that is not a plain identifier). */
  | 'invalid_config'
  /** Anything else (500). */
  | 'internal';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.details) this.details = options.details;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

// Node socket errors and pg-pool's own messages that mean "the server is not there".
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection.*closed/i,
  /pool.*ended/i,
];

/**
 * Turns a driver error into a StoreError. SQLSTATE classes: 08 connection, 57P0x shutdown, 53 resources,
 * 57014 statement timeout, 22/23 data and constraint errors. The driver's message is kept only for data
 * errors (it names the value or constraint, never the statement).
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown; constraint?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '57014') return new StoreError('timeout', 'the database query timed out', { cause: error });
  if (
    CONNECTION_ERRNOS.has(code) ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code.startsWith('53') ||
    CONNECTION_MESSAGES.some((re) => re.test(message))
  ) {
    return new StoreError('unavailable', 'the database is unavailable', { cause: error });
  }
  if (code.startsWith('22') || code.startsWith('23')) {
    const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
    const text = constraint ? `a row violates constraint ${constraint}` : message.split('\n')[0] || 'invalid row';
    return new StoreError('invalid_input', text, { cause: error, ...(constraint ? { details: { constraint } } : {}) });
  }
  return new StoreError('internal', 'the database query failed', { cause: error });
}

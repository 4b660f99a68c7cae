import type { ModelInfo } from '../api/types.js';
import { FindThisFitError } from '../errors.js';

/**
 * The local model is not the one the server's index was built with, or runs in a query dtype the server does
 * not accept: its vectors would not compare. Code `model_mismatch`, as the server's HTTP 409 answer
 * (`ModelMismatchError`, an API error) for the same problem found on the server's side.
 */
export class LocalModelMismatchError extends FindThisFitError {
  override name = 'LocalModelMismatchError';
  /** The local fingerprint that did not match. */
  readonly local: string;
  /** The server's index fingerprint. */
  readonly server: string;
  constructor(message: string, local: string, server: string) {
    super('model_mismatch', message);
    this.local = local;
    this.server = server;
  }
}

/** What is compared: the index contract (`fingerprint`) and/or the fingerprint of the query vectors it makes. */
export interface LocalModelIdentity {
  /** The index contract (preset, revision, index dtype): vectors that will be stored must carry the server's. */
  fingerprint?: string;
  /** What query vectors carry (the dtype the model runs in): must be one the server accepts. */
  queryFingerprint?: string;
  /** The dtype the model runs in, for the message. */
  dtype?: string;
}

/**
 * The one "local model equals the server's" check, for the SDK client, ingest and the widget. Throws a
 * {@link LocalModelMismatchError} when `local.fingerprint` is given and is not the server's, or when
 * `local.queryFingerprint` is given and is not among the server's `queryDtypes` (or its index fingerprint, for
 * servers older than that field). `consequence` ends the message: what the caller refuses to do.
 */
export function assertSameModel(
  local: LocalModelIdentity,
  server: ModelInfo,
  consequence = 'refusing to send vectors that would not compare',
): void {
  if (local.fingerprint !== undefined && local.fingerprint !== server.fingerprint) {
    throw new LocalModelMismatchError(
      `The local model (${local.fingerprint}) is not the server's (${server.fingerprint}); ${consequence}.`,
      local.fingerprint,
      server.fingerprint,
    );
  }
  const query = local.queryFingerprint;
  if (query === undefined) return;
  const accepted = server.queryDtypes ?? [{ dtype: server.dtype, fingerprint: server.fingerprint }];
  if (accepted.some((q) => q.fingerprint === query)) return;
  const runs = local.dtype ? `this model's ${local.dtype}` : 'this model';
  throw new LocalModelMismatchError(
    `The server (${server.fingerprint}) does not accept query vectors in ${runs} (${query}); ${consequence}.`,
    query,
    server.fingerprint,
  );
}

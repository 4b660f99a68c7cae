import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../errors.js';
import type { SearchAfter } from '../store/types.js';

/**
 * The opaque `nextCursor`: base64url JSON of the store's keyset position plus a hash of the query it
 * belongs to, so a cursor replayed with another vector, filters or options is refused instead of
 * silently returning a wrong page.
 */
interface CursorPayload {
  v: 1;
  q: string;
  d: number;
  i: string[];
}

/** Stable hash of everything that decides the result order and membership. */
export function queryHash(parts: { vector: Float32Array; rest: unknown }): string {
  const hash = createHash('sha256');
  hash.update(Buffer.from(parts.vector.buffer, parts.vector.byteOffset, parts.vector.byteLength));
  hash.update(JSON.stringify(parts.rest ?? null));
  return hash.digest('base64url').slice(0, 22);
}

export function encodeCursor(hash: string, after: SearchAfter): string {
  const payload: CursorPayload = { v: 1, q: hash, d: after.distance, i: after.ids };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

const invalid = () => InvalidRequestError.field('cursor', 'is not a cursor this server issued');

/** @throws {InvalidRequestError} (field `cursor`) for garbage or a cursor of another query. */
export function decodeCursor(cursor: string, hash: string): SearchAfter {
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    throw invalid();
  }
  if (
    payload === null ||
    typeof payload !== 'object' ||
    payload.v !== 1 ||
    typeof payload.q !== 'string' ||
    typeof payload.d !== 'number' ||
    !Number.isFinite(payload.d) ||
    !Array.isArray(payload.i) ||
    payload.i.length > 10_000 ||
    !payload.i.every((id) => typeof id === 'string' && /^\d{1,19}$/.test(id))
  ) {
    throw invalid();
  }
  if (payload.q !== hash) {
    throw InvalidRequestError.field('cursor', 'belongs to another query (vector, filters or options changed)');
  }
  return { distance: payload.d, ids: payload.i };
}

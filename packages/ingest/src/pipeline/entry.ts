import { createHash } from 'node:crypto';
import type { ListingStatus } from '@find-this-fit/sdk';
import { FetchError } from '../fetcher/errors.js';
import type { NormalizedListing, SourceAdapter } from '../sources/types.js';
import type { ItemState } from '../state/types.js';

/**
 * A listing that needs an upsert: new, or its fields or image changed. It carries either the checked image
 * `bytes` (to embed) or a `vector` (reused from state, or set by the embed stage).
 */
export interface UpsertEntry {
  kind: 'upsert';
  key: string;
  listing: NormalizedListing;
  fieldsHash: string;
  existing: ItemState | undefined;
  imageHash: string;
  vector?: Float32Array;
  bytes?: Buffer;
}

/** What the classify stage decided for one listing (or the crawl for one page), in crawl order. */
export type Entry =
  | UpsertEntry
  /** Only the status changed: `setStatus`, no vector needed. */
  | { kind: 'status'; key: string; existing: ItemState; status: ListingStatus }
  /** Nothing to send; `counted` is false when the listing was kept only because its new image failed. */
  | { kind: 'seen'; key: string; counted: boolean }
  /** A source page was fully queued: its cursor may be saved once everything before it is committed. */
  | { kind: 'checkpoint'; source: SourceAdapter; next: string | null };

export { itemKey } from '@find-this-fit/sdk';

/** Hash of everything but the status (status changes go through `setStatus`, no vector needed). */
export function fieldsHashOf(listing: NormalizedListing): string {
  const { status: _status, ...fields } = listing;
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Short machine reason of an error for the summary's `skipped`/`failed` counts. */
export const reasonOf = (error: unknown): string =>
  error instanceof FetchError ? error.code : error instanceof Error ? error.name : 'unknown';

import type { ListingStatus, ListingUpsert } from '@find-this-fit/sdk';
import type { Logger } from 'pino';
import type { PoliteFetcher } from '../fetcher/polite-fetcher.js';

/** A listing in the API's schema, without the vector (the image pipeline adds it). */
export type NormalizedListing = Omit<ListingUpsert, 'vector' | 'imageHash' | 'status'> & { status: ListingStatus };

/** A record's payload does not have the shape the adapter expects: names the field, so drift is easy to find. */
export class NormalizeError extends Error {
  override name = 'NormalizeError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** One raw record from a source page: its payload, or why it could not be fetched. */
export type RawRecord = { ref: string; payload: unknown } | { ref: string; error: Error };

export interface SourcePage {
  records: RawRecord[];
  /** Cursor to resume after this page; null when this was the last page. */
  next: string | null;
  /** The source's own count of records, when it tells (for progress ETA). */
  total?: number;
}

/** What sources fetch with: the polite fetcher, or the layer in front of it that revalidates stored pages. */
export type PageFetcher = Pick<PoliteFetcher, 'fetch'>;

export interface SourceContext {
  fetcher: PageFetcher;
  logger: Logger;
  /** Records per page to ask for, where the source lets us choose. */
  pageSize: number;
  signal?: AbortSignal;
}

/**
 * One marketplace format: walks its pages from a cursor (discovery) and turns a raw record into a listing
 * with a pure `normalize` (throws `NormalizeError` on a missing or malformed field).
 */
export interface SourceAdapter {
  /** `source` value of the listings, e.g. `depop`, `shopify:shop.example`. */
  readonly source: string;
  /** Stable key of this source + seed for the cursor store. */
  readonly stateKey: string;
  pages(context: SourceContext, cursor: string | null): AsyncIterable<SourcePage>;
  normalize(payload: unknown): NormalizedListing;
}

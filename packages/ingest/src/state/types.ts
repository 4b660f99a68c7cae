import type { ListingStatus, VectorInput } from '@find-this-fit/sdk';
import type { NormalizedListing } from '../sources/types.js';

/** What ingest remembers about one listing between runs. */
export interface ItemState {
  /** Server id from the last upsert. */
  id: string;
  /** The listing as last upserted (without the vector), so `reembed` can re-send it. */
  listing: NormalizedListing;
  /** Hash of the listing's fields (status excluded) to tell updated from unchanged. */
  fieldsHash: string;
  status: ListingStatus;
  /** sha256 of the image bytes the vector was computed from. */
  imageHash: string;
  /** Model fingerprint of `vector`. */
  fingerprint: string;
  /** float16 vector, reused when only the fields change. */
  vector: VectorInput;
  firstSeen: string;
  lastSeen: string;
  /** Id of the last run that saw the listing at its source. */
  lastRun: number;
  /** Consecutive completed runs that did not see it. */
  missed: number;
  /** Last run that counted it missing (so a resumed run never counts twice). */
  missedRun?: number;
}

/** Validators of an earlier response, for conditional GET. */
export interface HttpCacheEntry {
  etag?: string;
  lastModified?: string;
  /** sha256 of the body we got with these validators. */
  hash?: string;
  /** Pages and feeds: the body is in the body store under `hash` (answers a 304 without downloading). */
  stored?: true;
  /** `Content-Type` of the stored body (a 304 answered from the store says it too). */
  contentType?: string;
  /** The URL after redirects, when it differs (sources resolve relative URLs against it). */
  finalUrl?: string;
  /** The sitemap `<lastmod>` this page had when it was fetched. */
  lastmod?: string;
  /** The page's record was last ingested without error: with an unchanged `lastmod` it is not requested again. */
  confirmed?: true;
}

export interface RunState {
  id: number;
  startedAt: string;
  finishedAt?: string;
  completed: boolean;
  /** Sources (by state key) crawled to the end in this run. */
  sourcesDone: string[];
  /** How the finished run ended: every source completed, some stopped, or none completed. */
  outcome?: 'completed' | 'partial' | 'failed';
  /** Sources (by name) that stopped before their end. */
  stopped?: string[];
}

/** The whole state, as written to the snapshot. */
export interface StateData {
  version: 1;
  items: Record<string, ItemState>;
  /** Next cursor per `source|seed`; absent = start from the beginning. */
  cursors: Record<string, string>;
  http: Record<string, HttpCacheEntry>;
  run: RunState | null;
}

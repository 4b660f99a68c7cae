import type {
  Listing,
  ListingStatus,
  ListingUpsert,
  SearchFilters,
  SearchResult,
  UpsertResponse,
} from '@find-this-fit/sdk';

/**
 * The one storage interface the HTTP layer uses. Two implementations share the same SQL:
 * PGlite (embedded, the default) and PostgreSQL through `pg` (when DATABASE_URL is set).
 */

export interface HnswParams {
  /** Max connections per layer (pgvector default 16). */
  m: number;
  /** Candidate list size while building (pgvector default 64). */
  efConstruction: number;
  /** Candidate list size while searching (pgvector default 40). */
  efSearch: number;
  /**
   * What the index stores: `vector` (float32, the default) or `halfvec` (float16: half the index's memory, for a
   * catalogue whose index outgrows RAM; the table keeps float32). Default `vector`.
   */
  vectorType?: VectorType;
}

export const VECTOR_TYPES = ['vector', 'halfvec'] as const;
export type VectorType = (typeof VECTOR_TYPES)[number];

export interface StoreConfig {
  /** Model fingerprint every stored vector carries; the store refuses to open an index of another model. */
  fingerprint: string;
  /** Vector dimension (the model's own). */
  dim: number;
  hnsw: HnswParams;
}

/** A validated upsert: the vector is already decoded, checked for dim/finite and L2-normalised. */
export interface NormalizedUpsert extends Omit<ListingUpsert, 'vector'> {
  vector: Float32Array;
}

/**
 * Keyset position after the last result of a page: rows farther than `distance`, or exactly as far but
 * not in `ids` (the rows already returned at that distance — exact ties happen with duplicate photos).
 */
export interface SearchAfter {
  /** Cosine distance (`embedding <=> query`, float8) of the last result returned. */
  distance: number;
  ids: string[];
}

/** A search hit plus its raw cosine distance, which the HTTP layer puts in the next cursor. */
export interface StoreHit extends SearchResult {
  distance: number;
  /** Present when the query asked for `includeVectors`. */
  vector?: Float32Array;
}

export interface SearchQuery {
  /** L2-normalised, `dim` long. */
  vector: Float32Array;
  /** Results wanted (already clamped to 1..maxK). */
  k: number;
  /** Statuses default to `['active']` when absent. */
  filters: SearchFilters;
  minScore?: number;
  after?: SearchAfter;
  /** Exclude these listing ids (e.g. the item itself for "more like this"). */
  excludeIds?: string[];
  /** Exact (sequential scan) instead of HNSW: used by tests and the benchmark to measure recall. */
  exact?: boolean;
  /** Also return each hit's stored vector (for collapsing near-duplicates). */
  includeVectors?: boolean;
}

export interface StoreCounts {
  active: number;
  total: number;
}

/** Why a read replica is out of rotation. */
export type ReplicaOutReason =
  /** Not checked successfully yet, or its lag cannot be measured yet. */
  | 'starting'
  /** A check or a read failed (unreachable, stopped, timed out). */
  | 'error'
  /** Further behind than FTF_REPLICA_MAX_LAG_MS. */
  | 'lag'
  /** Not in recovery: a primary, or a promoted ex-replica. */
  | 'not_standby'
  /** Holds another model's index, or no Find This Fit schema at all. */
  | 'mismatch';

export interface ReplicaHealth {
  /** `host:port/database`, never credentials. */
  label: string;
  inRotation: boolean;
  reason?: ReplicaOutReason;
  /** How long ago the primary was at the oldest WAL position (sampled per check) the replica has not replayed; 0 = caught up. */
  lagMs?: number;
  /** Primary's current WAL position minus the replica's replayed one, at the last check. */
  lagBytes?: number;
  /** Reads served since start. */
  reads: number;
  checkFailures: number;
  connections: { total: number; idle: number; waiting: number };
}

export interface StoreHealth {
  kind: 'pglite' | 'postgres';
  /** Pool/connection state, for /metrics. */
  connections: { total: number; idle: number; waiting: number };
  /** Only with read replicas (DATABASE_READ_URLS). */
  replicas?: ReplicaHealth[];
  /** Only with read replicas: reads served by the primary, by why they did not go to a replica. */
  primaryReads?: { no_replica: number; write_fence: number; replica_error: number };
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Inserts or updates by `(source, externalId)` in one transaction: all or nothing. */
  upsert(items: readonly NormalizedUpsert[]): Promise<UpsertResponse>;
  /** Nearest listings by cosine similarity, best first; `score` = 1 − cosine distance. */
  search(query: SearchQuery): Promise<StoreHit[]>;
  get(id: string): Promise<Listing | undefined>;
  /** The stored (normalised) vector of a listing, for "more like this". */
  getVector(id: string): Promise<Float32Array | undefined>;
  /** True when a row was deleted. */
  delete(id: string): Promise<boolean>;
  /** The updated listing, or undefined when the id is unknown. */
  setStatus(id: string, status: ListingStatus): Promise<Listing | undefined>;
  counts(): Promise<StoreCounts>;
  /** Throws when the database is unreachable. */
  ping(): Promise<void>;
  health(): StoreHealth;
  /** Waits for running queries, then closes connections (and releases the PGlite lock). */
  close(): Promise<void>;
}

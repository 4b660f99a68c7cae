/**
 * API v1 request and response shapes — the single source of truth for the server's validators, the
 * HTTP client, the widget and the iOS bridge. Types only: importing them costs no bytes at run time
 * (the run-time lists the types derive from are in `enums.ts`).
 */

import type { ModelDtype, ModelFamily } from '../model/presets.js';
import type { ApiErrorCode, Condition, ListingStatus } from './enums.js';

export type { ApiErrorCode, Condition, ListingStatus };

/** A price in minor units (cents, pence; yen has none) with its ISO 4217 currency code. */
export interface Money {
  /** Integer amount in the currency's minor unit, e.g. 1999 = €19.99. */
  amount: number;
  /** ISO 4217 code, upper case, e.g. `EUR`. */
  currency: string;
}

/** A listing as the API returns it. */
export interface Listing {
  /** Server-assigned id, stable across upserts of the same `(source, externalId)`. */
  id: string;
  /** Marketplace, e.g. `depop`, `shopify:example.com`. */
  source: string;
  externalId: string;
  title: string;
  description: string | null;
  brand: string | null;
  size: string | null;
  category: string | null;
  condition: Condition | null;
  conditionRaw: string | null;
  price: Money | null;
  /** Web page of the listing. */
  url: string;
  /** Deep link into the marketplace's app (e.g. `depop://product/123`), if it has one. */
  appUrl: string | null;
  imageUrl: string;
  status: ListingStatus;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A search hit: the listing plus its cosine similarity to the query, in [−1, 1]. */
export interface SearchResult extends Listing {
  score: number;
}

export interface SearchFilters {
  price?: { min?: number; max?: number; currency: string };
  sizes?: string[];
  brands?: string[];
  categories?: string[];
  conditions?: Condition[];
  sources?: string[];
  /** Default `['active']`. */
  statuses?: ListingStatus[];
}

/**
 * A query vector: plain numbers, or the compact form `{ dtype, base64 }` — little-endian float16/float32
 * bytes in base64 (a 768-d float16 vector is 2 KB of base64).
 */
export type VectorInput = number[] | { dtype: 'float16' | 'float32'; base64: string };

export interface SearchRequest {
  /** Fingerprint of the model that produced `vector`; must equal the index's (`GET /v1/info`). */
  model: string;
  vector: VectorInput;
  /** 1..100, default 20. */
  k?: number;
  filters?: SearchFilters;
  /** Drop results scoring below this cosine similarity. */
  minScore?: number;
  /** Collapse near-duplicates (cosine ≥ 0.98 to a better result). */
  collapseDuplicates?: boolean;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface SearchResponse {
  results: SearchResult[];
  nextCursor?: string;
  /** Fingerprint of the index's model. */
  model: string;
  tookMs: number;
}

export interface ModelInfo {
  preset: string;
  modelId: string;
  revision: string;
  family: ModelFamily;
  dim: number;
  dtype: ModelDtype;
  imageSize: number;
  fingerprint: string;
  /**
   * The dtypes a client may embed queries with against this index, each with the fingerprint to send: the
   * index's own dtype first, then those its preset admits (WebGPU runs fp16 or fp32, never q8).
   * Absent on servers older than this field: then only `dtype` / `fingerprint`.
   */
  queryDtypes?: { dtype: ModelDtype; fingerprint: string }[];
}

export interface InfoResponse {
  name: string;
  version: string;
  model: ModelInfo;
  items: { active: number; total: number };
  index: {
    kind: 'hnsw';
    m: number;
    efConstruction: number;
    efSearch: number;
    /** What the index stores: float32 `vector` or float16 `halfvec` (servers before 0.2 omit it: `vector`). */
    vectorType?: 'vector' | 'halfvec';
    distance: 'cosine';
  };
  limits: { maxK: number; maxBatch: number; maxVectorBodyBytes: number; maxImageBytes: number; maxImagePixels: number };
  /** Whether `POST /v1/search/image` is available (the server can embed). */
  imageSearch: boolean;
}

/** One listing to insert or update, keyed by `(source, externalId)`, with its embedding. */
export interface ListingUpsert {
  source: string;
  externalId: string;
  title: string;
  description?: string | null;
  brand?: string | null;
  size?: string | null;
  category?: string | null;
  condition?: Condition | null;
  conditionRaw?: string | null;
  price?: Money | null;
  url: string;
  appUrl?: string | null;
  imageUrl: string;
  status?: ListingStatus;
  /** Content hash of the image bytes, to skip re-embedding unchanged photos. */
  imageHash?: string | null;
  vector: VectorInput;
}

export interface UpsertRequest {
  /** Fingerprint of the model that produced every vector in `items`. */
  model: string;
  items: ListingUpsert[];
}

export interface UpsertResponse {
  inserted: number;
  updated: number;
  /** Ids in the order of `items`. */
  ids: string[];
}

export interface StatusRequest {
  status: ListingStatus;
}

/** Every error response: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}

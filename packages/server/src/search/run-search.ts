import type { SearchFilters, SearchResult } from '@find-this-fit/sdk';
import type { SearchAfter, Store, StoreHit } from '../store/types.js';
import { isNearDuplicate } from './collapse.js';
import { decodeCursor, encodeCursor, queryHash } from './cursor.js';

export interface PagedSearch {
  /** Unit length. */
  vector: Float32Array;
  k: number;
  filters: SearchFilters;
  minScore?: number;
  collapseDuplicates: boolean;
  cursor?: string;
  excludeIds?: string[];
}

export interface Page {
  results: SearchResult[];
  nextCursor?: string;
  /** Seconds spent in the store. */
  storeSeconds: number;
}

// Collapsing drops rows, so fetch more per round and allow a few rounds to keep pages full.
const MAX_ROUNDS = 5;

function toResult(hit: StoreHit): SearchResult {
  const { distance: _distance, vector: _vector, ...result } = hit;
  return result;
}

/** A store that ignores `includeVectors` still collapses correctly, at one extra lookup per hit. */
async function fillVectors(store: Store, hits: StoreHit[]): Promise<void> {
  await Promise.all(
    hits.map(async (hit) => {
      if (hit.vector) return;
      const vector = await store.getVector(hit.id);
      if (vector) hit.vector = vector;
    }),
  );
}

/**
 * One page of keyset-paged search. Walks hits in store order, tracking the keyset position (last
 * distance + every id seen at exactly that distance, for ties); with collapsing, a hit within
 * cosine 0.98 of a kept hit is skipped and the store is asked again until the page is full.
 */
export async function runSearch(store: Store, query: PagedSearch): Promise<Page> {
  const hash = queryHash({
    vector: query.vector,
    rest: [query.filters, query.minScore ?? null, query.collapseDuplicates, query.excludeIds ?? null],
  });
  let position: SearchAfter | undefined = query.cursor ? decodeCursor(query.cursor, hash) : undefined;
  const kept: StoreHit[] = [];
  const keptVectors: Float32Array[] = [];
  let hasMore = false;
  let storeSeconds = 0;
  const fetchK = query.collapseDuplicates ? query.k * 2 + 1 : query.k + 1;

  rounds: for (let round = 0; round < MAX_ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const hits = await store.search({
      vector: query.vector,
      k: fetchK,
      filters: query.filters,
      ...(query.minScore !== undefined ? { minScore: query.minScore } : {}),
      ...(position ? { after: position } : {}),
      ...(query.excludeIds ? { excludeIds: query.excludeIds } : {}),
      ...(query.collapseDuplicates ? { includeVectors: true } : {}),
    });
    if (query.collapseDuplicates) await fillVectors(store, hits);
    storeSeconds += Number(process.hrtime.bigint() - started) / 1e9;
    for (const hit of hits) {
      const duplicate =
        query.collapseDuplicates && hit.vector !== undefined && isNearDuplicate(hit.vector, keptVectors);
      if (!duplicate) {
        // A (k+1)-th keepable hit proves there is a next page; it starts right here, not after it.
        if (kept.length === query.k) {
          hasMore = true;
          break rounds;
        }
        kept.push(hit);
        if (hit.vector) keptVectors.push(hit.vector);
      }
      position =
        position && position.distance === hit.distance
          ? { distance: hit.distance, ids: [...position.ids, hit.id] }
          : { distance: hit.distance, ids: [hit.id] };
    }
    if (hits.length < fetchK) break; // the store has nothing further
    if (round === MAX_ROUNDS - 1) hasMore = true; // gave up filling: let the client continue from here
  }
  const page: Page = { results: kept.map(toResult), storeSeconds };
  if (hasMore && position) page.nextCursor = encodeCursor(hash, position);
  return page;
}

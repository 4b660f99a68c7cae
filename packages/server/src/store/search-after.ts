import type { SearchAfter, StoreHit } from './types.js';

/**
 * The keyset position after a page. Ties at the last distance must all be listed, including those from
 * earlier pages when a run of exact ties spans pages, or the next page would repeat them.
 */
export function nextSearchAfter(hits: readonly StoreHit[], previous?: SearchAfter): SearchAfter | undefined {
  const lastHit = hits.at(-1);
  if (!lastHit) return undefined;
  const distance = lastHit.distance;
  const ids = hits.filter((h) => h.distance === distance).map((h) => h.id);
  if (previous && previous.distance === distance) ids.unshift(...previous.ids);
  return { distance, ids };
}

// The API's closed vocabularies as run-time lists; the types are derived from them, so the server's
// validators and CHECK constraints, ingest's mappings and the widget's filters all read one list.

/** Normalised item conditions, best first. The marketplace's own wording is kept as `conditionRaw`. */
export const CONDITIONS = ['new', 'like_new', 'excellent', 'good', 'fair', 'poor'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Listing lifecycle; only `active` listings are searchable by default. */
export const LISTING_STATUSES = ['active', 'sold', 'removed'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** True for one of {@link CONDITIONS}. */
export function isCondition(value: unknown): value is Condition {
  return typeof value === 'string' && (CONDITIONS as readonly string[]).includes(value);
}

/** True for one of {@link LISTING_STATUSES}. */
export function isListingStatus(value: unknown): value is ListingStatus {
  return typeof value === 'string' && (LISTING_STATUSES as readonly string[]).includes(value);
}

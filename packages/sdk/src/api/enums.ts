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

/**
 * The `error.code` values the server sends in an {@link ErrorBody}. A client must still accept others (a newer
 * server may add one): `APIError.code` stays a string.
 */
export const API_ERROR_CODES = [
  'invalid_request', // 400
  'unauthorized', // 401
  'forbidden', // 403
  'origin_not_allowed', // 403
  'admin_disabled', // 403
  'not_found', // 404
  'method_not_allowed', // 405
  'model_mismatch', // 409
  'payload_too_large', // 413
  'unsupported_media_type', // 415
  'rate_limited', // 429
  'internal_error', // 500
  'not_implemented', // 501
  'unavailable', // 503
  'model_unavailable', // 503
  'not_ready', // 503
  'overloaded', // 503
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

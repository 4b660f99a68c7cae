import type { Condition, Listing, ListingStatus } from '@find-this-fit/sdk';

/** The listing columns every read selects; ids and amounts as text/float8 so both drivers agree. */
export const LISTING_COLUMNS = `id::text AS id, source, external_id, title, description, brand, size, category, condition,
  condition_raw, price_amount::float8 AS price_amount, price_currency, url, app_url, image_url, status,
  first_seen_at, last_seen_at`;

export interface ListingRow {
  id: string;
  source: string;
  external_id: string;
  title: string;
  description: string | null;
  brand: string | null;
  size: string | null;
  category: string | null;
  condition: string | null;
  condition_raw: string | null;
  price_amount: number | null;
  price_currency: string | null;
  url: string;
  app_url: string | null;
  image_url: string;
  status: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
}

// The pg executor already hands over the API's ISO string; PGlite gives a Date.
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const iso = (value: Date | string) =>
  typeof value === 'string' && ISO_UTC.test(value)
    ? value
    : (value instanceof Date ? value : new Date(value)).toISOString();

export function toListing(row: ListingRow): Listing {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    title: row.title,
    description: row.description,
    brand: row.brand,
    size: row.size,
    category: row.category,
    condition: row.condition as Condition | null,
    conditionRaw: row.condition_raw,
    price:
      row.price_amount === null || row.price_currency === null
        ? null
        : { amount: Number(row.price_amount), currency: row.price_currency },
    url: row.url,
    appUrl: row.app_url,
    imageUrl: row.image_url,
    status: row.status as ListingStatus,
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
  };
}

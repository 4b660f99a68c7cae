import type { NormalizedUpsert, StoreConfig } from './types.js';
import { toVectorText } from './vector-text.js';

/**
 * The whole batch in one statement: parallel parameter arrays unnested into rows. `xmax = 0` is true only
 * for rows this statement inserted, which gives the inserted/updated split without a second query.
 */
export function buildUpsert(items: readonly NormalizedUpsert[], config: StoreConfig) {
  const col = <T>(pick: (item: NormalizedUpsert) => T) => items.map(pick);
  const text = `INSERT INTO listings (source, external_id, title, description, brand, size, category, condition,
  condition_raw, price_amount, price_currency, url, app_url, image_url, status, image_hash, model, embedding)
SELECT u.source, u.external_id, u.title, u.description, u.brand, u.size, u.category, u.condition,
  u.condition_raw, u.price_amount, u.price_currency, u.url, u.app_url, u.image_url, u.status, u.image_hash,
  $17, u.embedding::vector(${config.dim})
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $18::text[])
  AS u(source, external_id, title, description, brand, size, category, condition, condition_raw, price_amount,
    price_currency, url, app_url, image_url, status, image_hash, embedding)
ON CONFLICT (source, external_id) DO UPDATE SET
  title = EXCLUDED.title, description = EXCLUDED.description, brand = EXCLUDED.brand, size = EXCLUDED.size,
  category = EXCLUDED.category, condition = EXCLUDED.condition, condition_raw = EXCLUDED.condition_raw,
  price_amount = EXCLUDED.price_amount, price_currency = EXCLUDED.price_currency, url = EXCLUDED.url,
  app_url = EXCLUDED.app_url, image_url = EXCLUDED.image_url, status = EXCLUDED.status,
  image_hash = EXCLUDED.image_hash, model = EXCLUDED.model, embedding = EXCLUDED.embedding, last_seen_at = now()
RETURNING id::text AS id, source, external_id, (xmax = 0) AS inserted`;
  const params: unknown[] = [
    col((i) => i.source),
    col((i) => i.externalId),
    col((i) => i.title),
    col((i) => i.description ?? null),
    col((i) => i.brand ?? null),
    col((i) => i.size ?? null),
    col((i) => i.category ?? null),
    col((i) => i.condition ?? null),
    col((i) => i.conditionRaw ?? null),
    col((i) => (i.price ? String(i.price.amount) : null)),
    col((i) => i.price?.currency ?? null),
    col((i) => i.url),
    col((i) => i.appUrl ?? null),
    col((i) => i.imageUrl),
    // Upsert replaces the listing: a listing seen again without a status is active.
    col((i) => i.status ?? 'active'),
    col((i) => i.imageHash ?? null),
    config.fingerprint,
    col((i) => toVectorText(i.vector)),
  ];
  return { text, params };
}

/** The listing's identity (source + externalId), as the sdk spells it. */
export { itemKey as upsertKey } from '@find-this-fit/sdk';

import { isListingId } from './identifiers.js';
import { LISTING_COLUMNS } from './rows.js';
import type { SearchQuery, VectorType } from './types.js';

export interface Statement {
  text: string;
  /** A Float32Array is a query vector: each executor encodes it for its driver (binary on pg, text on PGlite). */
  params: unknown[];
}

/** What the HNSW index is built over: the ORDER BY must be the very expression it indexes. */
export type IndexShape = { vectorType: 'vector' } | { vectorType: VectorType; dim: number };

function distanceSql(index: IndexShape): string {
  if (index.vectorType === 'vector') return 'embedding <=> $1::vector';
  const dim = Math.trunc((index as { dim: number }).dim);
  return `embedding::halfvec(${dim}) <=> $1::vector::halfvec(${dim})`;
}

/** The HNSW index's expression and operator class for a vector type (migration 1 made the `vector` one). */
export function hnswIndexTarget(vectorType: VectorType, dim: number): string {
  return vectorType === 'vector'
    ? '(embedding vector_cosine_ops)'
    : `((embedding::halfvec(${Math.trunc(dim)})) halfvec_cosine_ops)`;
}

const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());

/**
 * One statement per search. `ORDER BY embedding <=> $1` is the exact shape the HNSW index serves (with
 * hnsw.iterative_scan the index keeps scanning until LIMIT rows pass the WHERE); `exact` orders by an
 * expression the index cannot serve, which forces an exact scan without a transaction.
 */
export function buildSearch(query: SearchQuery, index: IndexShape = { vectorType: 'vector' }): Statement {
  const params: unknown[] = [query.vector];
  const add = (value: unknown) => `$${params.push(value)}`;
  const distance = distanceSql(index);
  const where: string[] = [];
  const f = query.filters;

  where.push(`status = ANY(${add(f.statuses && f.statuses.length > 0 ? [...f.statuses] : ['active'])}::text[])`);
  if (f.price) {
    where.push(`price_currency = ${add(f.price.currency.toUpperCase())}`);
    if (f.price.min !== undefined) where.push(`price_amount >= ${add(f.price.min)}`);
    if (f.price.max !== undefined) where.push(`price_amount <= ${add(f.price.max)}`);
  }
  if (f.sizes?.length) where.push(`lower(size) = ANY(${add(lower(f.sizes))}::text[])`);
  if (f.brands?.length) where.push(`lower(brand) = ANY(${add(lower(f.brands))}::text[])`);
  if (f.categories?.length) where.push(`lower(category) = ANY(${add(lower(f.categories))}::text[])`);
  if (f.conditions?.length) where.push(`condition = ANY(${add([...f.conditions])}::text[])`);
  if (f.sources?.length) where.push(`source = ANY(${add([...f.sources])}::text[])`);

  const excluded = (query.excludeIds ?? []).filter(isListingId);
  if (excluded.length > 0) where.push(`id <> ALL(${add(excluded)}::bigint[])`);

  if (query.after) {
    // Keyset: strictly farther, or equally far and not already returned (exact ties: duplicate photos).
    const d = add(query.after.distance);
    const seen = query.after.ids.filter(isListingId);
    where.push(
      seen.length > 0
        ? `((${distance}) > ${d}::float8 OR ((${distance}) = ${d}::float8 AND id <> ALL(${add(seen)}::bigint[])))`
        : `(${distance}) > ${d}::float8`,
    );
  }

  const order = query.exact ? `(${distance}) + 0, id` : distance;
  // Vectors only when asked (collapsing near-duplicates): 768 floats as text per row is not free.
  const vectorColumn = query.includeVectors ? ', embedding::text AS embedding' : '';
  const text = `SELECT ${LISTING_COLUMNS}, (${distance}) AS distance${vectorColumn}
FROM listings
WHERE ${where.join('\n  AND ')}
ORDER BY ${order}
LIMIT ${add(query.k)}`;
  return { text, params };
}

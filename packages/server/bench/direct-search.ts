import pg from 'pg';
import { toVectorText } from '../src/store/vector-text.js';

/**
 * The store's search run straight through `pg` (no store, no HTTP): the baseline the benchmarks divide by
 * to show the overhead of each layer above it. Same SQL shape as the store's default search.
 */
export const DIRECT_SEARCH_SQL = `SELECT id::text AS id, source, external_id, title, description, brand, size, category, condition,
  condition_raw, price_amount::float8 AS price_amount, price_currency, url, app_url, image_url, status,
  first_seen_at, last_seen_at, (embedding <=> $1::vector) AS distance
FROM listings WHERE status = ANY($2::text[]) ORDER BY embedding <=> $1::vector LIMIT $3`;

export interface DirectSearch {
  search(vector: Float32Array, k: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function createDirectSearch(options: {
  databaseUrl: string;
  schema?: string;
  efSearch: number;
}): Promise<DirectSearch> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema ${schema}`);
  await client.query(
    `SET search_path TO "${schema}", public; SET hnsw.ef_search = ${Math.trunc(options.efSearch)}; SET hnsw.iterative_scan = strict_order`,
  );
  return {
    async search(vector, k) {
      const { rows } = await client.query<{ id: string }>(DIRECT_SEARCH_SQL, [toVectorText(vector), ['active'], k]);
      return rows.map((r) => r.id);
    },
    close: () => client.end(),
  };
}

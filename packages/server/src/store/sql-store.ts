import type { Listing, ListingStatus, UpsertResponse } from '@find-this-fit/sdk';
import { StoreError, toStoreError } from './errors.js';
import type { Executor } from './executor.js';
import { isListingId } from './identifiers.js';
import { LISTING_COLUMNS, type ListingRow, toListing } from './rows.js';
import { buildSearch } from './search-sql.js';
import type { NormalizedUpsert, SearchQuery, Store, StoreConfig, StoreCounts, StoreHealth, StoreHit } from './types.js';
import { buildUpsert, upsertKey } from './upsert-sql.js';
import { parseVectorText } from './vector-text.js';

/** The Store over either executor: all SQL lives here and in the *-sql.ts builders. */
export class SqlStore implements Store {
  readonly kind: 'pglite' | 'postgres';
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #drained: (() => void) | undefined;
  /** Rows written since the planner statistics were last refreshed (PGlite has no autovacuum). */
  #writesSinceAnalyze = 0;
  #rowsAtAnalyze = 0;

  constructor(
    /** Exposed for the benchmark and tests (raw SQL: EXPLAIN, index rebuilds); not part of `Store`. */
    readonly executor: Executor,
    readonly config: StoreConfig,
  ) {
    this.kind = executor.kind;
  }

  // Counts running calls so close() can wait for them.
  async #run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closing) throw new StoreError('unavailable', 'the store is closed');
    this.#inFlight++;
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error);
    } finally {
      if (--this.#inFlight === 0) this.#drained?.();
    }
  }

  upsert(items: readonly NormalizedUpsert[]): Promise<UpsertResponse> {
    if (items.length === 0) return Promise.resolve({ inserted: 0, updated: 0, ids: [] });
    // The same key twice in one statement would make ON CONFLICT fail: keep the last one.
    const last = new Map<string, NormalizedUpsert>();
    for (const item of items) {
      const key = upsertKey(item.source, item.externalId);
      last.delete(key);
      last.set(key, item);
    }
    const unique = [...last.values()];
    const { text, params } = buildUpsert(unique, this.config);
    return this.#run(async () => {
      // One INSERT … ON CONFLICT statement is atomic on its own: no BEGIN/COMMIT round trips, which on PGlite
      // would hold the worker idle while the busy HTTP thread sends the next message.
      const rows = await this.executor.query<{ id: string; source: string; external_id: string; inserted: boolean }>(
        text,
        params,
      );
      await this.#refreshStatistics(rows.length);
      const ids = new Map(rows.map((r) => [upsertKey(r.source, r.external_id), r.id]));
      const inserted = rows.filter((r) => r.inserted).length;
      return {
        inserted,
        updated: rows.length - inserted,
        ids: items.map((item) => ids.get(upsertKey(item.source, item.externalId)) as string),
      };
    });
  }

  /**
   * PGlite runs no autovacuum, so without this the planner keeps the empty table's statistics, believes
   * the table holds a handful of rows and sorts every row instead of using the HNSW index (measured: 3× slower
   * at 3 000 rows, 10× at 20 000). Re-analyse once 10 % (at least 500) rows changed. PostgreSQL's autovacuum
   * does the same on its own.
   */
  async #refreshStatistics(written: number): Promise<void> {
    if (this.kind !== 'pglite') return;
    this.#writesSinceAnalyze += written;
    if (this.#writesSinceAnalyze < Math.max(500, this.#rowsAtAnalyze * 0.1)) return;
    await this.executor.query('ANALYZE listings');
    const [row] = await this.executor.query<{ n: number }>('SELECT count(*)::float8 AS n FROM listings');
    this.#rowsAtAnalyze = Number(row?.n ?? 0);
    this.#writesSinceAnalyze = 0;
  }

  search(query: SearchQuery): Promise<StoreHit[]> {
    const { text, params } = buildSearch(query, {
      vectorType: this.config.hnsw.vectorType ?? 'vector',
      dim: this.config.dim,
    });
    return this.#run(async () => {
      const rows = await this.executor.query<ListingRow & { distance: number; embedding?: string }>(text, params);
      const hits: StoreHit[] = [];
      for (const row of rows) {
        const distance = Number(row.distance);
        const score = 1 - distance;
        // Rows come best first, so minScore is a cut-off; in SQL it would make the index scan walk on.
        if (query.minScore !== undefined && score < query.minScore) break;
        const hit: StoreHit = { ...toListing(row), score, distance };
        if (row.embedding !== undefined) hit.vector = parseVectorText(row.embedding);
        hits.push(hit);
      }
      return hits;
    });
  }

  get(id: string): Promise<Listing | undefined> {
    if (!isListingId(id)) return Promise.resolve(undefined);
    return this.#run(async () => {
      const rows = await this.executor.query<ListingRow>(`SELECT ${LISTING_COLUMNS} FROM listings WHERE id = $1`, [id]);
      return rows[0] ? toListing(rows[0]) : undefined;
    });
  }

  getVector(id: string): Promise<Float32Array | undefined> {
    if (!isListingId(id)) return Promise.resolve(undefined);
    return this.#run(async () => {
      const rows = await this.executor.query<{ embedding: string }>(
        'SELECT embedding::text AS embedding FROM listings WHERE id = $1',
        [id],
      );
      return rows[0] ? parseVectorText(rows[0].embedding) : undefined;
    });
  }

  delete(id: string): Promise<boolean> {
    if (!isListingId(id)) return Promise.resolve(false);
    return this.#run(async () => {
      const rows = await this.executor.query('DELETE FROM listings WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    });
  }

  setStatus(id: string, status: ListingStatus): Promise<Listing | undefined> {
    if (!isListingId(id)) return Promise.resolve(undefined);
    return this.#run(async () => {
      const rows = await this.executor.query<ListingRow>(
        `UPDATE listings SET status = $2 WHERE id = $1 RETURNING ${LISTING_COLUMNS}`,
        [id, status],
      );
      return rows[0] ? toListing(rows[0]) : undefined;
    });
  }

  counts(): Promise<StoreCounts> {
    return this.#run(async () => {
      const rows = await this.executor.query<{ active: number; total: number }>(
        "SELECT (count(*) FILTER (WHERE status = 'active'))::float8 AS active, count(*)::float8 AS total FROM listings",
      );
      return { active: Number(rows[0]?.active ?? 0), total: Number(rows[0]?.total ?? 0) };
    });
  }

  ping(): Promise<void> {
    return this.#run(async () => {
      await this.executor.query('SELECT 1');
    });
  }

  health(): StoreHealth {
    return { kind: this.kind, connections: this.executor.connections() };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      await this.executor.close();
    })();
    return this.#closing;
  }
}

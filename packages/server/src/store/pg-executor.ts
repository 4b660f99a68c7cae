import pg from 'pg';
import { toStoreError } from './errors.js';
import type { Executor, Queryable } from './executor.js';
import { DEFAULT_QUERY_QUEUE_MAX, QueryQueueLimit, type ShedEvent } from './query-queue.js';
import { hasVectorParam, toPgvectorBinary } from './vector-param.js';

export interface PgOptions {
  connectionString: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** Run once on every new connection (search_path, hnsw settings) instead of once per query. */
  sessionSql: string;
  /** Shown in pg_stat_activity (operators tell our pools apart; the replica tests check routing with it). */
  applicationName?: string;
  onError(error: Error): void;
  /** Queries allowed to wait for a pool connection before new ones are shed (default 256). */
  queueLimit?: number;
  onShed?(event: ShedEvent): void;
}

const TIMESTAMPTZ = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ, 'text');
// PostgreSQL's text form in UTC (the session's TimeZone): "2026-12-03 09:22:54.123456+00".
const PG_UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * timestamptz straight to the ISO string the API returns (what Date#toISOString gives: milliseconds, truncated),
 * without building a Date per column per row only to print it again. Other spellings get pg's own parser.
 */
export function timestamptzToIso(text: string): string | Date {
  const m = PG_UTC_TIMESTAMP.exec(text);
  if (!m) return parseTimestamptz(text);
  return `${m[1]}T${m[2]}.${`${m[3] ?? ''}000`.slice(0, 3)}Z`;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary'
      ? timestamptzToIso
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const encodeParams = (params: readonly unknown[]) =>
  params.map((p) => (p instanceof Float32Array ? toPgvectorBinary(p) : p));

/**
 * Vector queries run as named prepared statements: each connection parses a query shape once, then only binds.
 * Names are per text; the shapes are few (one per combination of filters), so the map stays small.
 */
class StatementNames {
  #names = new Map<string, string>();
  of(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      name = `ftf_${this.#names.size + 1}`;
      this.#names.set(text, name);
    }
    return name;
  }
}

class PgExecutor implements Executor {
  readonly kind = 'postgres' as const;
  readonly #statements = new StatementNames();

  constructor(
    private readonly pool: pg.Pool,
    private readonly limit: QueryQueueLimit,
  ) {}

  /**
   * Queries that will really wait for a connection. pg-pool queues a request even when a client is idle and
   * hands that client over on the next tick, so idle clients are not counted against the limit.
   */
  #waiting(): number {
    return Math.max(0, this.pool.waitingCount - this.pool.idleCount);
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.limit.admit(this.#waiting());
    try {
      if (!hasVectorParam(params)) return (await this.pool.query(sql, params as unknown[])).rows as R[];
      const query = { name: this.#statements.of(sql), text: sql, values: encodeParams(params) };
      return (await this.pool.query(query)).rows as R[];
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.limit.admit(this.#waiting());
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(sql: string, params: readonly unknown[] = []) =>
          (await client.query(sql, encodeParams(params))).rows as R[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: don't hand it back to the pool
      }
      throw toStoreError(error);
    } finally {
      client.release(broken);
    }
  }

  connections() {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  // pool.end() waits for checked-out clients to be released.
  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

export function openPg(options: PgOptions): Executor {
  // Validated before the pool exists: a bad limit must not leave a pool behind.
  const limit = new QueryQueueLimit(options.queueLimit ?? DEFAULT_QUERY_QUEUE_MAX, options.onShed);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5_000,
    types: typeParsers,
    idleTimeoutMillis: 30_000,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    // Awaited before the pool hands the new connection out, so no query runs without its session settings.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(options.sessionSql);
    },
  });
  // An idle client losing its server must not crash the process; the next query reports `unavailable`.
  pool.on('error', (error) => options.onError(error));
  return new PgExecutor(pool, limit);
}

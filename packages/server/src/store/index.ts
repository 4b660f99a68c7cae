import { StoreError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import { checkIndexModel, ensureIndexVectorType, migrate } from './migrations.js';
import { openPg } from './pg-executor.js';
import { openPGlite } from './pglite-executor.js';
import type { ShedEvent } from './query-queue.js';
import { replicaLabels } from './replica-label.js';
import { ReplicaSet } from './replica-set.js';
import { RoutedStore } from './routed-store.js';
import { SqlStore } from './sql-store.js';
import type { Store, StoreConfig } from './types.js';

export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { DEFAULT_QUERY_QUEUE_MAX, SHED_RETRY_AFTER_SECONDS } from './query-queue.js';
export { ReplicaSet } from './replica-set.js';
export { RoutedStore } from './routed-store.js';
export { nextSearchAfter } from './search-after.js';
export type {
  HnswParams,
  NormalizedUpsert,
  ReplicaHealth,
  ReplicaOutReason,
  SearchAfter,
  SearchQuery,
  Store,
  StoreConfig,
  StoreCounts,
  StoreHealth,
  StoreHit,
} from './types.js';

export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

export interface CreateStoreOptions extends StoreConfig {
  /** postgres://… → pg Pool; otherwise PGlite persisted in dataDir. */
  databaseUrl?: string;
  /** PGlite directory (the caller defaults it to './.ftf-data'); ':memory:' for tests. */
  dataDir?: string;
  /** Postgres schema to use (default 'public'); tests use a fresh one each. */
  schema?: string;
  /** pg pool max, default 10. */
  poolSize?: number;
  /** Default 10 000. */
  statementTimeoutMs?: number;
  logger?: StoreLogger;
  /** PostgreSQL streaming replicas of databaseUrl for searches and item reads (DATABASE_READ_URLS). */
  readUrls?: readonly string[];
  /** A replica further behind leaves the rotation (default 5 000). */
  replicaMaxLagMs?: number;
  /** How often replica health and lag are checked (default 1 000). */
  replicaCheckIntervalMs?: number;
  /** Queries allowed to wait for the database (per pool) before new ones get 503 + Retry-After; default 256. */
  queryQueueMax?: number;
  /** pg_stat_activity application_name of our pools (default 'find-this-fit'; replicas get a `-read` suffix). */
  applicationName?: string;
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** Load shedding is logged once when a burst starts and once when it ends, never per refused query. */
function shedLogger(options: CreateStoreOptions, pool: string): (event: ShedEvent) => void {
  return (event) => {
    if (event.phase === 'start') {
      options.logger?.warn({ pool, queueLimit: event.limit }, 'query queue full: answering 503 until it drains');
    } else {
      options.logger?.info({ pool, queueLimit: event.limit, shed: event.shed }, 'query queue drained');
    }
  };
}

/**
 * Connects, runs migrations, checks the index's model, and returns a ready store. With `readUrls`, a store
 * that routes reads to those replicas (checked in the background; bad ones stay out of rotation).
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const readUrls = options.readUrls ?? [];
  if (readUrls.length === 0) return openSqlStore(options);
  if (options.databaseUrl === undefined) {
    throw new StoreError('invalid_config', 'read replicas (DATABASE_READ_URLS) need a primary in DATABASE_URL');
  }
  // Never echo the URLs: they may carry passwords.
  if (!readUrls.every(isPostgresUrl)) {
    throw new StoreError(
      'invalid_config',
      'each DATABASE_READ_URLS entry must start with postgres:// or postgresql://',
    );
  }
  const primary = await openSqlStore(options);
  const labels = replicaLabels(readUrls);
  const replicas = readUrls.map((url, i) => ({
    label: labels[i] as string,
    store: new SqlStore(
      openPg({
        connectionString: url,
        poolSize: options.poolSize ?? 10,
        statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
        sessionSql: sessionSqlOf(options),
        applicationName: `${options.applicationName ?? 'find-this-fit'}-read`,
        ...(options.queryQueueMax !== undefined ? { queueLimit: options.queryQueueMax } : {}),
        onShed: shedLogger(options, `replica ${labels[i]}`),
        onError: (error) =>
          options.logger?.warn({ replica: labels[i], err: { message: error.message } }, 'replica connection error'),
      }),
      primary.config,
    ),
  }));
  const set = new ReplicaSet({
    primary: primary.executor,
    replicas,
    fingerprint: primary.config.fingerprint,
    maxLagMs: options.replicaMaxLagMs ?? 5_000,
    checkIntervalMs: options.replicaCheckIntervalMs ?? 1_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await set.start();
  return new RoutedStore(primary, set);
}

/**
 * Per connection (pg) or once (PGlite), never per query: search_path and the HNSW search settings.
 * - Searches are prepared statements on pg; custom plans only, because a generic plan cannot see LIMIT or the
 *   vector and may choose an exact scan.
 * - random_page_cost 1.1 (the usual value for SSDs and data in memory): at 4, the default, the planner prices
 *   every HNSW page as a disk seek and chose an exact scan at 1 000 × 768 rows, which ran 1.6× slower (PostgreSQL)
 *   and 1.3× slower (PGlite) than the index it passed over.
 */
function sessionSqlOf(options: CreateStoreOptions): string {
  const schema = quoteIdentifier(options.schema ?? 'public');
  const efSearch = Math.trunc(options.hnsw.efSearch);
  return [
    `SET search_path TO ${schema}, public`,
    `SET hnsw.ef_search = ${efSearch}`,
    'SET hnsw.iterative_scan = strict_order',
    'SET plan_cache_mode = force_custom_plan',
    'SET random_page_cost = 1.1',
    // Timestamps come back in UTC, the form the pg executor turns into the API's ISO strings without a Date.
    "SET TimeZone = 'UTC'",
  ].join('; ');
}

/** createStore with the concrete class (raw SQL access for benchmarks and tests). */
export async function openSqlStore(options: CreateStoreOptions): Promise<SqlStore> {
  const config: StoreConfig = { fingerprint: options.fingerprint, dim: options.dim, hnsw: { ...options.hnsw } };
  const schema = quoteIdentifier(options.schema ?? 'public');
  const sessionSql = sessionSqlOf(options);
  const isPg = options.databaseUrl !== undefined;
  if (isPg && !isPostgresUrl(options.databaseUrl as string)) {
    // Never echo the URL: it may carry a password.
    throw new StoreError('invalid_config', 'DATABASE_URL must start with postgres:// or postgresql://');
  }
  const executor = isPg
    ? openPg({
        connectionString: options.databaseUrl as string,
        poolSize: options.poolSize ?? 10,
        statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
        sessionSql,
        applicationName: options.applicationName ?? 'find-this-fit',
        ...(options.queryQueueMax !== undefined ? { queueLimit: options.queryQueueMax } : {}),
        onShed: shedLogger(options, 'primary'),
        onError: (error) => options.logger?.warn({ err: { message: error.message } }, 'database connection error'),
      })
    : await openPGlite(options.dataDir ?? './.ftf-data', {
        ...(options.queryQueueMax !== undefined ? { queueLimit: options.queryQueueMax } : {}),
        onShed: shedLogger(options, 'pglite'),
        onWorkerExit: (error) =>
          (options.logger?.error ?? options.logger?.warn)?.call(
            options.logger,
            { err: { message: error.message } },
            'the PGlite worker stopped: every query now fails until the server restarts',
          ),
      });
  try {
    if (!isPg) {
      await executor.query(`SET statement_timeout = ${Math.trunc(options.statementTimeoutMs ?? 10_000)}`);
    }
    const applied = await migrate(executor, { config, schema });
    if (!isPg) for (const sql of sessionSql.split('; ')) await executor.query(sql);
    await checkIndexModel(
      executor,
      config,
      isPg ? `schema ${schema} of DATABASE_URL` : `data directory ${options.dataDir}`,
    );
    await ensureIndexVectorType(executor, config, (obj, msg) => options.logger?.info(obj, msg));
    if (applied.length > 0)
      options.logger?.info({ migrations: applied, backend: executor.kind }, 'store migrations applied');
    return new SqlStore(executor, config);
  } catch (error) {
    await executor.close().catch(() => {});
    throw error;
  }
}

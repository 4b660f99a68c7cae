import { StoreError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import { checkIndexModel, migrate } from './migrations.js';
import { openPg } from './pg-executor.js';
import { openPGlite } from './pglite-executor.js';
import { SqlStore } from './sql-store.js';
import type { Store, StoreConfig } from './types.js';

export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { nextSearchAfter } from './search-after.js';
export type {
  HnswParams,
  NormalizedUpsert,
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
}

/** Connects, runs migrations, checks the index's model, and returns a ready store. */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  return openSqlStore(options);
}

/** createStore with the concrete class (raw SQL access for benchmarks and tests). */
export async function openSqlStore(options: CreateStoreOptions): Promise<SqlStore> {
  const config: StoreConfig = { fingerprint: options.fingerprint, dim: options.dim, hnsw: { ...options.hnsw } };
  const schema = quoteIdentifier(options.schema ?? 'public');
  const efSearch = Math.trunc(config.hnsw.efSearch);
  // Per connection (pg) or once (PGlite), never per query: search_path and the HNSW search settings.
  const sessionSql = `SET search_path TO ${schema}, public; SET hnsw.ef_search = ${efSearch}; SET hnsw.iterative_scan = strict_order`;
  const isPg = options.databaseUrl !== undefined;
  if (isPg && !/^postgres(ql)?:\/\//.test(options.databaseUrl as string)) {
    // Never echo the URL: it may carry a password.
    throw new StoreError('invalid_config', 'DATABASE_URL must start with postgres:// or postgresql://');
  }
  const executor = isPg
    ? openPg({
        connectionString: options.databaseUrl as string,
        poolSize: options.poolSize ?? 10,
        statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
        sessionSql,
        onError: (error) => options.logger?.warn({ err: { message: error.message } }, 'database connection error'),
      })
    : await openPGlite(options.dataDir ?? './.ftf-data');
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
    if (applied.length > 0)
      options.logger?.info({ migrations: applied, backend: executor.kind }, 'store migrations applied');
    return new SqlStore(executor, config);
  } catch (error) {
    await executor.close().catch(() => {});
    throw error;
  }
}

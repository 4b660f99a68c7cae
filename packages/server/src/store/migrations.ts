import { CONDITIONS, STATUSES } from './conditions.js';
import { StoreError } from './errors.js';
import type { Executor, Queryable } from './executor.js';
import { hnswIndexTarget } from './search-sql.js';
import type { StoreConfig, VectorType } from './types.js';

export interface MigrationContext {
  config: StoreConfig;
  /** Already quoted. */
  schema: string;
}

export interface Migration {
  version: number;
  name: string;
  up(tx: Queryable, ctx: MigrationContext): Promise<void>;
}

export const HNSW_INDEX = 'listings_embedding_hnsw';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Append-only: never edit a shipped migration, add the next version. The vector column and HNSW options
 * come from the config the index is created with; the meta table records fingerprint and dim for the
 * start-up check.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'listings',
    async up(tx, { config }) {
      const { dim, hnsw } = config;
      await tx.query('CREATE TABLE ftf_meta (key text PRIMARY KEY, value text NOT NULL)');
      await tx.query("INSERT INTO ftf_meta (key, value) VALUES ('fingerprint', $1), ('dim', $2)", [
        config.fingerprint,
        String(dim),
      ]);
      await tx.query(`CREATE TABLE listings (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source text NOT NULL,
        external_id text NOT NULL,
        title text NOT NULL,
        description text,
        brand text,
        size text,
        category text,
        condition text CHECK (condition IN (${sqlList(CONDITIONS)})),
        condition_raw text,
        price_amount bigint CHECK (price_amount >= 0),
        price_currency char(3) CHECK (price_currency ~ '^[A-Z]{3}$'),
        url text NOT NULL,
        app_url text,
        image_url text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN (${sqlList(STATUSES)})),
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        image_hash text,
        model text NOT NULL,
        embedding vector(${dim}) NOT NULL,
        CONSTRAINT listings_source_external_id_key UNIQUE (source, external_id),
        CONSTRAINT listings_price_pair CHECK ((price_amount IS NULL) = (price_currency IS NULL))
      )`);
      await tx.query(
        `CREATE INDEX ${HNSW_INDEX} ON listings USING hnsw (embedding vector_cosine_ops) WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`,
      );
      // Filters compare case-insensitively; these serve very selective filters the planner prefers over HNSW.
      await tx.query('CREATE INDEX listings_status_idx ON listings (status)');
      await tx.query('CREATE INDEX listings_brand_idx ON listings (lower(brand))');
      await tx.query('CREATE INDEX listings_category_idx ON listings (lower(category))');
      await tx.query('CREATE INDEX listings_size_idx ON listings (lower(size))');
      await tx.query('CREATE INDEX listings_condition_idx ON listings (condition)');
      await tx.query('CREATE INDEX listings_price_idx ON listings (price_currency, price_amount)');
    },
  },
  {
    version: 2,
    name: 'embedding stored inline',
    async up(tx, { config }) {
      // A 768-float vector is 3 KB, over PostgreSQL's 2 KB TOAST threshold, so by default it is stored out of line:
      // the table's heap then looks tiny, an exact scan looks cheap, and the planner skipped the HNSW index at
      // 20k rows. Inline storage keeps the heap's size honest. PLAIN while the vector fits a page with room for
      // the other columns' TOAST pointers; MAIN (inline unless the row cannot fit) for wider vectors.
      const storage = vectorBytes(config.dim) <= MAX_PLAIN_VECTOR_BYTES ? 'PLAIN' : 'MAIN';
      // SET STORAGE alone only affects new rows. Changing the type in the same statement rewrites every row
      // (the USING expression makes a fresh, inline value) and rebuilds the indexes in bulk, in this transaction.
      await tx.query(
        `ALTER TABLE listings ALTER COLUMN embedding TYPE vector(${config.dim}) USING embedding::real[]::vector(${config.dim}),
         ALTER COLUMN embedding SET STORAGE ${storage}`,
      );
    },
  },
];

/** pgvector's on-disk size of a vector: a 4-byte varlena header, 2 × int16, then the floats. */
const vectorBytes = (dim: number) => 8 + 4 * dim;
/** An 8 KB page holds ~8 160 bytes of tuple; leave ~500 for the fixed columns and 18-byte TOAST pointers. */
const MAX_PLAIN_VECTOR_BYTES = 7_600;

function assertConfig(config: StoreConfig): void {
  const ints: Array<[string, number, number, number]> = [
    ['dim', config.dim, 1, 16_000],
    ['hnsw.m', config.hnsw.m, 2, 100],
    ['hnsw.efConstruction', config.hnsw.efConstruction, 4, 1000],
    ['hnsw.efSearch', config.hnsw.efSearch, 1, 1000],
  ];
  for (const [name, value, min, max] of ints) {
    // These are interpolated into DDL: integers in range only.
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new StoreError('invalid_config', `${name} must be an integer in ${min}..${max}, got ${value}`);
    }
  }
}

/** Applies missing migrations in one transaction, serialised across processes by an advisory lock. */
export async function migrate(db: Executor, ctx: MigrationContext): Promise<number[]> {
  assertConfig(ctx.config);
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('ftf_migrations:' || $1))", [ctx.schema]);
    // In public, not the store's schema: dropping a test schema must not drop the extension others use.
    await tx.query('CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public');
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${ctx.schema}`);
    await tx.query(`SET LOCAL search_path TO ${ctx.schema}, public`);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS ftf_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await tx.query<{ version: number }>('SELECT version FROM ftf_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await migration.up(tx, ctx);
      await tx.query('INSERT INTO ftf_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/** Fails fast when the index holds another model's vectors: they are not comparable with ours. */
export async function checkIndexModel(db: Queryable, config: StoreConfig, where: string): Promise<void> {
  const rows = await db.query<{ key: string; value: string }>(
    "SELECT key, value FROM ftf_meta WHERE key IN ('fingerprint', 'dim')",
  );
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const fingerprint = meta.get('fingerprint');
  const dim = Number(meta.get('dim'));
  if (fingerprint !== config.fingerprint || dim !== config.dim) {
    throw new StoreError(
      'model_mismatch_index',
      `the index in ${where} was built with model ${fingerprint} (dim ${dim}) but the server is configured for ` +
        `model ${config.fingerprint} (dim ${config.dim}); point FTF_DATA_DIR or DATABASE_URL at another index, ` +
        'or re-embed the catalogue with the configured model into a fresh one',
      {
        details: {
          indexModel: fingerprint,
          indexDim: dim,
          configuredModel: config.fingerprint,
          configuredDim: config.dim,
        },
      },
    );
  }
}

/** Catalogues this small get their index rebuilt at start-up when the vector type changes (seconds, not minutes). */
export const REBUILD_AT_START_MAX_ROWS = 10_000;

/**
 * Makes the HNSW index match the configured vector type (FTF_INDEX_VECTOR_TYPE). A small catalogue is
 * re-indexed in one transaction; a larger one is refused with the online recipe instead, because a build of
 * minutes inside start-up would hold the table and trip health checks into a restart loop that never finishes.
 */
export async function ensureIndexVectorType(
  db: Executor,
  config: StoreConfig,
  log?: (obj: object, msg: string) => void,
): Promise<void> {
  const wanted: VectorType = config.hnsw.vectorType ?? 'vector';
  const [row] = await db.query<{ def: string | null; n: number }>(
    `SELECT pg_get_indexdef(to_regclass('${HNSW_INDEX}')) AS def, (SELECT count(*) FROM listings)::float8 AS n`,
  );
  const current: VectorType = row?.def?.includes('halfvec_cosine_ops') ? 'halfvec' : 'vector';
  if (row?.def && current === wanted) return;
  const rows = Number(row?.n ?? 0);
  const create = `CREATE INDEX ${HNSW_INDEX} ON listings USING hnsw ${hnswIndexTarget(wanted, config.dim)} WITH (m = ${config.hnsw.m}, ef_construction = ${config.hnsw.efConstruction})`;
  if (rows > REBUILD_AT_START_MAX_ROWS) {
    throw new StoreError(
      'invalid_config',
      `the HNSW index is built over ${current} but FTF_INDEX_VECTOR_TYPE is ${wanted}; with ${rows} rows it is not ` +
        'rebuilt at start-up. Rebuild it online (DEPLOYMENT.md, "Index vector type"): ' +
        `${create.replace(`INDEX ${HNSW_INDEX}`, `INDEX CONCURRENTLY ${HNSW_INDEX}_new`)}; ` +
        `DROP INDEX CONCURRENTLY ${HNSW_INDEX}; ALTER INDEX ${HNSW_INDEX}_new RENAME TO ${HNSW_INDEX}`,
    );
  }
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    await tx.query(`DROP INDEX IF EXISTS ${HNSW_INDEX}`);
    await tx.query(create);
  });
  log?.({ from: current, to: wanted, rows }, 'HNSW index rebuilt for FTF_INDEX_VECTOR_TYPE');
}

import { availableParallelism } from 'node:os';
import { DEFAULT_PRESET, fingerprintOf, getPreset, isPresetName, type ModelPreset, PRESETS } from '@find-this-fit/sdk';
import {
  ConfigError,
  defaultOf,
  type LogLevel,
  readEnv,
  type Setting,
  type SettingsTable,
} from '@find-this-fit/sdk/config';
import {
  appUrlSchemes,
  bool,
  corsList,
  int,
  keyList,
  logLevel,
  oneOf,
  optionalInt,
  optionalText,
  type PublishableKey,
  postgresUrl,
  postgresUrlList,
  publishableList,
  text,
  trustProxy,
} from './config-parsers.js';

import { VECTOR_TYPES, type VectorType } from './store/types.js';

export { ConfigError, type LogLevel, type PublishableKey };

/** Half the cores (at least 1): hostile uploads can then never take the cores vector search runs on. */
const DEFAULT_IMAGE_CONCURRENCY = Math.max(1, Math.floor(availableParallelism() / 2));

/** Everything the server reads from the environment, validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; when absent the embedded PGlite store in `dataDir` is used. */
  databaseUrl?: string;
  /** PostgreSQL streaming replicas of databaseUrl that serve searches and item reads. */
  readReplicas?: { urls: string[]; maxLagMs: number; checkIntervalMs: number };
  dataDir: string;
  model: {
    preset: ModelPreset;
    fingerprint: string;
    /** Folder with the preset's model files for server-side image search (`FTF_IMAGE_SEARCH_MODEL_DIR`); off without it. */
    modelDir?: string;
  };
  keys: { secret: string[]; publishable: PublishableKey[] };
  /** Search without a key (local demos). Admin still needs a secret key. */
  open: boolean;
  /** Allowed CORS origins; `*` allows any. Publishable keys' origins are added at app build. */
  corsOrigins: string[];
  /**
   * Token buckets on `/v1/` routes: `rps`/`burst` per client (key + client IP), `keyRps`/`keyBurst` the ceiling
   * for one key across all its clients (0 = no ceiling).
   */
  rateLimit: { rps: number; burst: number; keyRps: number; keyBurst: number };
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are trusted; 0 = use the socket address. */
  trustProxy: number;
  /** Non-http(s) schemes an item's `appUrl` may use (e.g. `depop`), lowercase, without `://`. */
  appUrlSchemes: string[];
  limits: {
    maxBodyBytes: number;
    maxAdminBodyBytes: number;
    maxImageBytes: number;
    maxImagePixels: number;
    /** Images decoded and embedded at once; more wait in a queue of `imageQueueMax`, past it 503 + Retry-After. */
    imageConcurrency: number;
    imageQueueMax: number;
    /** Per-image decode time limit (sharp's `timeout`), seconds. */
    imageTimeoutSeconds: number;
    /** libvips threads per decode (0 = its default, one per core). */
    imageDecodeThreads: number;
    maxK: number;
    maxBatch: number;
  };
  hnsw: { m: number; efConstruction: number; efSearch: number; vectorType: VectorType };
  poolSize?: number;
  statementTimeoutMs?: number;
  /** Queries allowed to wait for the database before new ones get 503 + Retry-After. */
  queryQueueMax: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

/**
 * Every variable the server reads, once: its parser with the default, and what it means. The typed values,
 * `find-this-fit --help`, and the README/DEPLOYMENT check (test/replicas/config.test.ts) all come from here.
 */
export const SETTINGS = {
  PORT: { schema: int(0, 65535, 8787), doc: 'TCP port to listen on' },
  HOST: { schema: text('127.0.0.1'), doc: 'interface to bind (0.0.0.0 for all)' },
  DATABASE_URL: { schema: postgresUrl, doc: 'PostgreSQL + pgvector URL; unset = embedded PGlite' },
  DATABASE_READ_URLS: {
    schema: postgresUrlList,
    defaultDoc: '(unset)',
    doc: 'comma-separated PostgreSQL streaming-replica URLs for searches and item reads (needs DATABASE_URL); writes stay on the primary',
  },
  FTF_REPLICA_MAX_LAG_MS: {
    schema: int(1, 3_600_000, 5_000),
    doc: 'a replica further behind the primary leaves the read rotation until it catches up',
  },
  FTF_REPLICA_CHECK_INTERVAL_MS: {
    schema: int(50, 600_000, 1_000),
    doc: 'how often replica health and lag are checked (also shown in /metrics)',
  },
  FTF_DATA_DIR: { schema: text('./.ftf-data'), doc: 'PGlite data directory (when DATABASE_URL is unset)' },
  FTF_MODEL: {
    schema: text(DEFAULT_PRESET).refine(isPresetName, `expected one of ${Object.keys(PRESETS).join(', ')}`),
    doc: `model preset (${Object.keys(PRESETS).join(', ')})`,
  },
  FTF_IMAGE_SEARCH_MODEL_DIR: {
    schema: optionalText,
    formerNames: ['FTF_MODEL_DIR'],
    doc: "folder of the FTF_MODEL preset's files (e.g. .models/fashion-siglip) for server-side image search; unset = off",
  },
  FTF_SECRET_KEYS: { schema: keyList, doc: 'comma-separated secret keys (everything incl. admin)' },
  FTF_PUBLISHABLE_KEYS: {
    schema: publishableList,
    doc: 'comma-separated publishable keys (search/read); key=https://a.example|app://bundle limits origins',
  },
  FTF_OPEN: { schema: bool, doc: 'open mode: search without a key (local demos only)' },
  FTF_CORS_ORIGINS: { schema: corsList, doc: 'comma-separated allowed CORS origins (http(s) or app://…), or *' },
  FTF_RATE_LIMIT_RPS: {
    schema: int(0, 1_000_000, 20),
    doc: 'API requests per second per client (client IP within a key; client IP without a key); 0 = off',
  },
  FTF_RATE_LIMIT_BURST: { schema: int(1, 1_000_000, 40), doc: 'per-client token-bucket burst size' },
  FTF_RATE_LIMIT_KEY_RPS: {
    schema: int(0, 1_000_000, 200),
    doc: 'ceiling per API key across all its clients, requests per second; 0 = no ceiling',
  },
  FTF_RATE_LIMIT_KEY_BURST: { schema: int(1, 1_000_000, 400), doc: 'per-key ceiling burst size' },
  FTF_TRUST_PROXY: {
    schema: trustProxy,
    defaultDoc: 'false',
    doc: 'client IP from X-Forwarded-For: false = socket address; true = 1 trusted proxy hop; N = N hops (CDN + load balancer = 2)',
  },
  FTF_APP_URL_SCHEMES: {
    schema: appUrlSchemes,
    doc: 'comma-separated app schemes an item appUrl may use besides http(s), e.g. depop,vinted; none = web links only',
  },
  FTF_MAX_BODY_BYTES: { schema: int(1024, 2 ** 30, 64 * 1024), doc: 'max JSON body for search' },
  FTF_MAX_ADMIN_BODY_BYTES: { schema: int(1024, 2 ** 30, 16 * 1024 * 1024), doc: 'max JSON body for admin upserts' },
  FTF_MAX_IMAGE_BYTES: { schema: int(1024, 2 ** 30, 8 * 1024 * 1024), doc: 'max image upload for /v1/search/image' },
  FTF_MAX_IMAGE_PIXELS: { schema: int(1, 2 ** 31, 40_000_000), doc: 'max image width × height' },
  FTF_IMAGE_CONCURRENCY: {
    schema: int(1, 64, DEFAULT_IMAGE_CONCURRENCY),
    defaultDoc: 'half the cores',
    doc: 'images decoded and embedded at once (/v1/search/image); the other cores stay free for vector search',
  },
  FTF_IMAGE_QUEUE_MAX: {
    schema: int(0, 10_000, 8),
    doc: 'images allowed to wait for a decode slot; past it 503 overloaded + Retry-After',
  },
  FTF_IMAGE_TIMEOUT_SECONDS: { schema: int(1, 3600, 5), doc: 'per-image decode time limit; past it 400' },
  FTF_IMAGE_DECODE_THREADS: {
    schema: int(0, 64, 1),
    doc: 'libvips threads per image decode (0 = one per core); with FTF_IMAGE_CONCURRENCY it caps the cores image work can take',
  },
  FTF_MAX_K: { schema: int(1, 1000, 100), doc: 'max results per page' },
  FTF_MAX_BATCH: { schema: int(1, 100_000, 500), doc: 'max items per admin upsert' },
  FTF_HNSW_M: { schema: int(2, 100, 16), doc: 'HNSW max connections per layer' },
  FTF_HNSW_EF_CONSTRUCTION: { schema: int(4, 1000, 64), doc: 'HNSW build candidate list' },
  FTF_HNSW_EF_SEARCH: {
    schema: int(1, 1000, 64),
    doc: 'HNSW search candidate list (64: recall@20 0.989 at 100k × 768; raise for recall, lower for speed)',
  },
  FTF_INDEX_VECTOR_TYPE: {
    schema: oneOf(VECTOR_TYPES, 'vector'),
    doc: 'what the HNSW index stores: vector (float32) or halfvec (float16, half the memory, for an index that outgrows RAM)',
  },
  FTF_POOL_SIZE: { schema: optionalInt(1, 1000), defaultDoc: '10', doc: 'PostgreSQL pool size' },
  FTF_STATEMENT_TIMEOUT_MS: {
    schema: optionalInt(1, 3_600_000),
    defaultDoc: '(store default)',
    doc: 'PostgreSQL statement timeout',
  },
  FTF_LOG_LEVEL: { schema: logLevel, doc: 'fatal|error|warn|info|debug|trace|silent' },
  FTF_QUERY_QUEUE_MAX: {
    schema: int(1, 1_000_000, 256),
    doc: 'queries allowed to wait for the database (PGlite, or each pg pool); past it requests get 503 + Retry-After',
  },
  FTF_SHUTDOWN_TIMEOUT_MS: {
    schema: int(0, 600_000, 10_000),
    doc: 'on SIGINT/SIGTERM, how long accepted requests get to finish before their connections are cut',
  },
} satisfies SettingsTable;

/** One documented environment variable, as `--help` and the README show it. */
export interface EnvVarDoc {
  name: string;
  default: string;
  meaning: string;
}

/** The table as name / default / meaning rows (kept for callers of the earlier `ENV_VARS` list). */
export const ENV_VARS: readonly EnvVarDoc[] = Object.entries(SETTINGS as SettingsTable).map(
  ([name, setting]: [string, Setting]) => ({ name, default: defaultOf(setting), meaning: setting.doc }),
);

/**
 * Parses and validates the environment once. Empty strings count as unset; `FTF_MODEL_DIR` is still read for
 * `FTF_IMAGE_SEARCH_MODEL_DIR`, with a deprecation warning.
 * @throws {ConfigError} listing every bad variable (values of key variables are never echoed).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = readEnv(SETTINGS, env);
  const problems: string[] = [];
  const secret = e.FTF_SECRET_KEYS;
  const publishable = e.FTF_PUBLISHABLE_KEYS;
  if (publishable.some((p) => secret.includes(p.key))) {
    problems.push('FTF_PUBLISHABLE_KEYS: a key cannot be both publishable and secret');
  }
  if (!e.FTF_OPEN && secret.length === 0 && publishable.length === 0) {
    problems.push(
      'FTF_SECRET_KEYS / FTF_PUBLISHABLE_KEYS: no keys configured; set keys, or FTF_OPEN=true for a local demo',
    );
  }
  if (e.DATABASE_READ_URLS.length > 0 && !e.DATABASE_URL) {
    problems.push('DATABASE_READ_URLS: read replicas need the primary in DATABASE_URL');
  }
  if (e.FTF_RATE_LIMIT_RPS > 0 && e.FTF_RATE_LIMIT_BURST < 1) problems.push('FTF_RATE_LIMIT_BURST: must be ≥ 1');
  if (problems.length > 0) throw new ConfigError(problems);

  const preset = getPreset(e.FTF_MODEL);
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.FTF_DATA_DIR,
    model: { preset, fingerprint: fingerprintOf(preset) },
    keys: { secret, publishable },
    open: e.FTF_OPEN,
    corsOrigins: e.FTF_CORS_ORIGINS,
    rateLimit: {
      rps: e.FTF_RATE_LIMIT_RPS,
      burst: e.FTF_RATE_LIMIT_BURST,
      keyRps: e.FTF_RATE_LIMIT_KEY_RPS,
      keyBurst: e.FTF_RATE_LIMIT_KEY_BURST,
    },
    trustProxy: e.FTF_TRUST_PROXY,
    appUrlSchemes: e.FTF_APP_URL_SCHEMES,
    limits: {
      maxBodyBytes: e.FTF_MAX_BODY_BYTES,
      maxAdminBodyBytes: e.FTF_MAX_ADMIN_BODY_BYTES,
      maxImageBytes: e.FTF_MAX_IMAGE_BYTES,
      maxImagePixels: e.FTF_MAX_IMAGE_PIXELS,
      imageConcurrency: e.FTF_IMAGE_CONCURRENCY,
      imageQueueMax: e.FTF_IMAGE_QUEUE_MAX,
      imageTimeoutSeconds: e.FTF_IMAGE_TIMEOUT_SECONDS,
      imageDecodeThreads: e.FTF_IMAGE_DECODE_THREADS,
      maxK: e.FTF_MAX_K,
      maxBatch: e.FTF_MAX_BATCH,
    },
    hnsw: {
      m: e.FTF_HNSW_M,
      efConstruction: e.FTF_HNSW_EF_CONSTRUCTION,
      efSearch: e.FTF_HNSW_EF_SEARCH,
      vectorType: e.FTF_INDEX_VECTOR_TYPE,
    },
    queryQueueMax: e.FTF_QUERY_QUEUE_MAX,
    logLevel: e.FTF_LOG_LEVEL,
    shutdownTimeoutMs: e.FTF_SHUTDOWN_TIMEOUT_MS,
  };
  if (e.DATABASE_URL) config.databaseUrl = e.DATABASE_URL;
  if (e.DATABASE_READ_URLS.length > 0) {
    config.readReplicas = {
      urls: e.DATABASE_READ_URLS,
      maxLagMs: e.FTF_REPLICA_MAX_LAG_MS,
      checkIntervalMs: e.FTF_REPLICA_CHECK_INTERVAL_MS,
    };
  }
  if (e.FTF_IMAGE_SEARCH_MODEL_DIR) config.model.modelDir = e.FTF_IMAGE_SEARCH_MODEL_DIR;
  if (e.FTF_POOL_SIZE !== undefined) config.poolSize = e.FTF_POOL_SIZE;
  if (e.FTF_STATEMENT_TIMEOUT_MS !== undefined) config.statementTimeoutMs = e.FTF_STATEMENT_TIMEOUT_MS;
  return config;
}

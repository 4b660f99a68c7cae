import { DEFAULT_PRESET, fingerprintOf, getPreset, isPresetName, type ModelPreset, PRESETS } from '@find-this-fit/sdk';
import { z } from 'zod';

/** A publishable key and, when it carries any, the only browser origins allowed to use it. */
export interface PublishableKey {
  key: string;
  origins: string[];
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
    /** Folder with the model files for server-side image search; image search is off without it. */
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
    maxK: number;
    maxBatch: number;
  };
  hnsw: { m: number; efConstruction: number; efSearch: number };
  poolSize?: number;
  statementTimeoutMs?: number;
  /** Queries allowed to wait for the database before new ones get 503 + Retry-After. */
  queryQueueMax: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
}

/** One documented environment variable: the `--help` text and the README come from this table. */
export interface EnvVarDoc {
  name: string;
  default: string;
  meaning: string;
}

export const ENV_VARS: readonly EnvVarDoc[] = [
  { name: 'PORT', default: '8787', meaning: 'TCP port to listen on' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'interface to bind (0.0.0.0 for all)' },
  { name: 'DATABASE_URL', default: '(unset)', meaning: 'PostgreSQL + pgvector URL; unset = embedded PGlite' },
  {
    name: 'DATABASE_READ_URLS',
    default: '(unset)',
    meaning:
      'comma-separated PostgreSQL streaming-replica URLs for searches and item reads (needs DATABASE_URL); writes stay on the primary',
  },
  {
    name: 'FTF_REPLICA_MAX_LAG_MS',
    default: '5000',
    meaning: 'a replica further behind the primary leaves the read rotation until it catches up',
  },
  {
    name: 'FTF_REPLICA_CHECK_INTERVAL_MS',
    default: '1000',
    meaning: 'how often replica health and lag are checked (also shown in /metrics)',
  },
  { name: 'FTF_DATA_DIR', default: './.ftf-data', meaning: 'PGlite data directory (when DATABASE_URL is unset)' },
  { name: 'FTF_MODEL', default: DEFAULT_PRESET, meaning: `model preset (${Object.keys(PRESETS).join(', ')})` },
  { name: 'FTF_MODEL_DIR', default: '(unset)', meaning: 'model folder for server-side image search; unset = off' },
  { name: 'FTF_SECRET_KEYS', default: '(none)', meaning: 'comma-separated secret keys (everything incl. admin)' },
  {
    name: 'FTF_PUBLISHABLE_KEYS',
    default: '(none)',
    meaning: 'comma-separated publishable keys (search/read); key=https://a.example|app://bundle limits origins',
  },
  { name: 'FTF_OPEN', default: 'false', meaning: 'open mode: search without a key (local demos only)' },
  {
    name: 'FTF_CORS_ORIGINS',
    default: '(none)',
    meaning: 'comma-separated allowed CORS origins (http(s) or app://…), or *',
  },
  {
    name: 'FTF_RATE_LIMIT_RPS',
    default: '20',
    meaning: 'API requests per second per client (client IP within a key; client IP without a key); 0 = off',
  },
  { name: 'FTF_RATE_LIMIT_BURST', default: '40', meaning: 'per-client token-bucket burst size' },
  {
    name: 'FTF_RATE_LIMIT_KEY_RPS',
    default: '200',
    meaning: 'ceiling per API key across all its clients, requests per second; 0 = no ceiling',
  },
  { name: 'FTF_RATE_LIMIT_KEY_BURST', default: '400', meaning: 'per-key ceiling burst size' },
  {
    name: 'FTF_TRUST_PROXY',
    default: 'false',
    meaning:
      'client IP from X-Forwarded-For: false = socket address; true = 1 trusted proxy hop; N = N hops (CDN + load balancer = 2)',
  },
  {
    name: 'FTF_APP_URL_SCHEMES',
    default: 'depop',
    meaning:
      'comma-separated app schemes an item appUrl may use besides http(s), e.g. depop,vinted; none = web links only',
  },
  { name: 'FTF_MAX_BODY_BYTES', default: '65536', meaning: 'max JSON body for search' },
  { name: 'FTF_MAX_ADMIN_BODY_BYTES', default: '16777216', meaning: 'max JSON body for admin upserts' },
  { name: 'FTF_MAX_IMAGE_BYTES', default: '8388608', meaning: 'max image upload for /v1/search/image' },
  { name: 'FTF_MAX_IMAGE_PIXELS', default: '40000000', meaning: 'max image width × height' },
  { name: 'FTF_IMAGE_CONCURRENCY', default: '2', meaning: 'images decoded and embedded at once (/v1/search/image)' },
  {
    name: 'FTF_IMAGE_QUEUE_MAX',
    default: '8',
    meaning: 'images allowed to wait for a decode slot; past it 503 overloaded + Retry-After',
  },
  { name: 'FTF_IMAGE_TIMEOUT_SECONDS', default: '5', meaning: 'per-image decode time limit; past it 400' },
  { name: 'FTF_MAX_K', default: '100', meaning: 'max results per page' },
  { name: 'FTF_MAX_BATCH', default: '500', meaning: 'max items per admin upsert' },
  { name: 'FTF_HNSW_M', default: '16', meaning: 'HNSW max connections per layer' },
  { name: 'FTF_HNSW_EF_CONSTRUCTION', default: '64', meaning: 'HNSW build candidate list' },
  { name: 'FTF_HNSW_EF_SEARCH', default: '64', meaning: 'HNSW search candidate list' },
  { name: 'FTF_POOL_SIZE', default: '10', meaning: 'PostgreSQL pool size' },
  { name: 'FTF_STATEMENT_TIMEOUT_MS', default: '(store default)', meaning: 'PostgreSQL statement timeout' },
  { name: 'FTF_LOG_LEVEL', default: 'info', meaning: 'fatal|error|warn|info|debug|trace|silent' },
  {
    name: 'FTF_QUERY_QUEUE_MAX',
    default: '256',
    meaning:
      'queries allowed to wait for the database (PGlite, or each pg pool); past it requests get 503 + Retry-After',
  },
  {
    name: 'FTF_SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    meaning: 'on SIGINT/SIGTERM, how long accepted requests get to finish before their connections are cut',
  },
];

/** Every bad variable at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer ${min}..${max}, got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

const optionalInt = (min: number, max: number) =>
  int(min, max, Number.NaN).transform((n) => (Number.isNaN(n) ? undefined : n));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || ['0', 'false', 'no', 'off'].includes(value)) return false;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    ctx.addIssue({ code: 'custom', message: `expected true/false, got "${value}"` });
    return z.NEVER;
  });

/** false/0 = off, true = one hop, N = N trusted hops (Koa's maxIpsCount). */
const trustProxy = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || ['0', 'false', 'no', 'off'].includes(value)) return 0;
    if (['true', 'yes', 'on'].includes(value)) return 1;
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 10) return n;
    ctx.addIssue({ code: 'custom', message: `expected false, true or a hop count 1..10, got "${value}"` });
    return z.NEVER;
  });

// Schemes that run code or embed content in a page; never an app link.
const REFUSED_APP_SCHEMES = ['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'http', 'https'];

const appUrlSchemes = z
  .string()
  .optional()
  .default('depop')
  .transform((value, ctx) => {
    if (value.trim().toLowerCase() === 'none') return [];
    const schemes = value
      .split(',')
      .map((s) =>
        s
          .trim()
          .toLowerCase()
          .replace(/:(\/\/)?$/, ''),
      )
      .filter(Boolean);
    for (const scheme of schemes) {
      if (!/^[a-z][a-z0-9+.-]*$/.test(scheme) || REFUSED_APP_SCHEMES.includes(scheme)) {
        ctx.addIssue({ code: 'custom', message: `"${scheme}" is not an allowed app scheme` });
        return z.NEVER;
      }
    }
    return schemes;
  });

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

// Keys land in Authorization headers: printable, no separators we parse (`,` `=` `|`), not trivially short.
const KEY_PATTERN = /^[A-Za-z0-9_\-.~+/]{8,256}$/;

const keyList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const keys = list(value);
    if (keys.some((k) => !KEY_PATTERN.test(k))) {
      ctx.addIssue({ code: 'custom', message: 'each key must be 8-256 characters of [A-Za-z0-9_-.~+/]' });
      return z.NEVER;
    }
    return keys;
  });

/** Schemes that can never be a page's origin (or must not be allowed as one). */
const NOT_ORIGIN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'about:', 'vbscript:']);

/**
 * An allowed browser origin: http(s) (`https://shop.example`), or an app's custom-scheme origin such as the iOS
 * Mini App's `app://bundle` (WKWebView pages served by a scheme handler send `Origin: app://bundle`). URL's own
 * `.origin` is "null" for custom schemes, so those are rebuilt as scheme://host, with no path, query or port games.
 */
function parseOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    if (NOT_ORIGIN_SCHEMES.has(url.protocol) || !/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) return undefined;
    if (!url.host || url.username || url.password || (url.pathname !== '' && url.pathname !== '/')) return undefined;
    if (url.search || url.hash) return undefined;
    return `${url.protocol}//${url.host.toLowerCase()}`;
  } catch {
    return undefined;
  }
}

const publishableList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: PublishableKey[] = [];
    for (const entry of list(value)) {
      const [key = '', origins = ''] = entry.split('=', 2);
      if (!KEY_PATTERN.test(key)) {
        ctx.addIssue({ code: 'custom', message: 'each key must be 8-256 characters of [A-Za-z0-9_-.~+/]' });
        return z.NEVER;
      }
      const parsed = origins ? origins.split('|').map((o) => parseOrigin(o.trim())) : [];
      if (parsed.some((o) => o === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `key ${key.slice(0, 6)}…: origins must be http(s) origins or an app origin like app://bundle`,
        });
        return z.NEVER;
      }
      out.push({ key, origins: parsed as string[] });
    }
    return out;
  });

const corsList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: string[] = [];
    for (const entry of list(value)) {
      const origin = entry === '*' ? '*' : parseOrigin(entry);
      if (!origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an http(s) origin, an app origin like app://bundle, or *`,
        });
        return z.NEVER;
      }
      out.push(origin);
    }
    return out;
  });

const envSchema = z.object({
  PORT: int(0, 65535, 8787),
  HOST: z.string().trim().min(1).optional().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// or postgresql:// URL'),
  DATABASE_READ_URLS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const urls = list(value);
      // Never echo a URL: it may carry a password.
      const bad = urls.findIndex((u) => !/^postgres(ql)?:\/\//.test(u));
      if (bad >= 0) {
        ctx.addIssue({ code: 'custom', message: `entry ${bad + 1}: expected a postgres:// or postgresql:// URL` });
        return z.NEVER;
      }
      return urls;
    }),
  FTF_REPLICA_MAX_LAG_MS: int(1, 3_600_000, 5_000),
  FTF_REPLICA_CHECK_INTERVAL_MS: int(50, 600_000, 1_000),
  FTF_DATA_DIR: z.string().trim().min(1).optional().default('./.ftf-data'),
  FTF_MODEL: z
    .string()
    .trim()
    .optional()
    .default(DEFAULT_PRESET)
    .refine(isPresetName, `expected one of ${Object.keys(PRESETS).join(', ')}`),
  FTF_MODEL_DIR: z.string().trim().optional(),
  FTF_SECRET_KEYS: keyList,
  FTF_PUBLISHABLE_KEYS: publishableList,
  FTF_OPEN: bool,
  FTF_CORS_ORIGINS: corsList,
  FTF_RATE_LIMIT_RPS: int(0, 1_000_000, 20),
  FTF_RATE_LIMIT_BURST: int(1, 1_000_000, 40),
  FTF_RATE_LIMIT_KEY_RPS: int(0, 1_000_000, 200),
  FTF_RATE_LIMIT_KEY_BURST: int(1, 1_000_000, 400),
  FTF_TRUST_PROXY: trustProxy,
  FTF_APP_URL_SCHEMES: appUrlSchemes,
  FTF_MAX_BODY_BYTES: int(1024, 2 ** 30, 64 * 1024),
  FTF_MAX_ADMIN_BODY_BYTES: int(1024, 2 ** 30, 16 * 1024 * 1024),
  FTF_MAX_IMAGE_BYTES: int(1024, 2 ** 30, 8 * 1024 * 1024),
  FTF_MAX_IMAGE_PIXELS: int(1, 2 ** 31, 40_000_000),
  FTF_IMAGE_CONCURRENCY: int(1, 64, 2),
  FTF_IMAGE_QUEUE_MAX: int(0, 10_000, 8),
  FTF_IMAGE_TIMEOUT_SECONDS: int(1, 3600, 5),
  FTF_MAX_K: int(1, 1000, 100),
  FTF_MAX_BATCH: int(1, 100_000, 500),
  FTF_HNSW_M: int(2, 100, 16),
  FTF_HNSW_EF_CONSTRUCTION: int(4, 1000, 64),
  FTF_HNSW_EF_SEARCH: int(1, 1000, 64),
  FTF_POOL_SIZE: optionalInt(1, 1000),
  FTF_STATEMENT_TIMEOUT_MS: optionalInt(1, 3_600_000),
  FTF_QUERY_QUEUE_MAX: int(1, 1_000_000, 256),
  FTF_LOG_LEVEL: z
    .string()
    .trim()
    .optional()
    .default('info')
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  FTF_SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
});

/**
 * Parses and validates the environment once. Empty strings count as unset.
 * @throws {ConfigError} listing every bad variable (values of key variables are never echoed).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Only our variables, with blank values treated as unset (`PORT= pnpm serve` means the default).
  const ours: Record<string, string | undefined> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = env[name];
    ours[name] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const parsed = envSchema.safeParse(ours);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
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
      maxK: e.FTF_MAX_K,
      maxBatch: e.FTF_MAX_BATCH,
    },
    hnsw: { m: e.FTF_HNSW_M, efConstruction: e.FTF_HNSW_EF_CONSTRUCTION, efSearch: e.FTF_HNSW_EF_SEARCH },
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
  if (e.FTF_MODEL_DIR) config.model.modelDir = e.FTF_MODEL_DIR;
  if (e.FTF_POOL_SIZE !== undefined) config.poolSize = e.FTF_POOL_SIZE;
  if (e.FTF_STATEMENT_TIMEOUT_MS !== undefined) config.statementTimeoutMs = e.FTF_STATEMENT_TIMEOUT_MS;
  return config;
}

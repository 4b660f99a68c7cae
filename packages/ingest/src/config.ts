import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ConfigError,
  LOG_LEVELS,
  type LogLevel,
  readEnv,
  readSettings,
  type SettingsTable,
  type SettingValues,
} from '@find-this-fit/sdk/config';
import {
  boolean,
  httpUrl,
  integer,
  isPlainObject,
  matching,
  oneOf,
  optionalInteger,
  optionalText,
  text,
} from './config/parsers.js';
import { readSource, type SourceConfig } from './config/sources.js';
import type { AddressPolicy } from './fetcher/address-guard.js';
import { DEFAULT_FETCHER_OPTIONS } from './fetcher/defaults.js';
import { DEFAULT_CRON } from './scheduler.js';

export { ConfigError, type SourceConfig };

/** Everything ingest needs, validated, with defaults applied. */
export interface IngestConfig {
  server: { url: string; apiKey: string };
  /** Folder holding the model files for the preset the server announces (unset: the hub / its cache). */
  modelDir: string | undefined;
  stateDir: string;
  userAgent: { product: string; contactUrl: string };
  sources: SourceConfig[];
  /** The fetcher's tunables (defaults in `fetcher/defaults.ts`) and its address policy. */
  fetch: { [K in keyof typeof DEFAULT_FETCHER_OPTIONS]: number } & AddressPolicy;
  images: { maxBytes: number; maxPixels: number; recheck: boolean };
  batch: { pageSize: number; embed: number; upsert: number };
  freshness: { removeAfterMissedRuns: number };
  schedule: { cron: string; jitterMs: number; timezone: string | undefined };
  threads: number | undefined;
  logLevel: LogLevel;
}

/** Documented defaults (the settings table below and the CLI's help read them). */
export const DEFAULTS = {
  stateDir: '.ftf-ingest',
  userAgentProduct: 'FindThisFitBot/0.1',
  fetch: { ...DEFAULT_FETCHER_OPTIONS, allowPrivateAddresses: false, allowLoopback: false },
  images: { maxBytes: 8 * 1024 * 1024, maxPixels: 40_000_000, recheck: false },
  batch: { pageSize: 50, embed: 16, upsert: 100 },
  freshness: { removeAfterMissedRuns: 3 },
  schedule: { cron: DEFAULT_CRON, jitterMs: 5 * 60_000 },
  logLevel: 'info',
} as const;

/** The environment variables ingest reads (secrets never come from the file). */
export const ENV_SETTINGS = {
  FTF_INGEST_API_KEY: { schema: optionalText(), doc: "the search server's secret key (admin upserts); required" },
  FTF_API_KEY: { schema: optionalText(), doc: 'read when FTF_INGEST_API_KEY is unset' },
  FTF_BASE_URL: { schema: optionalText(), doc: 'the search server, when the file has no `server.url`' },
  EBAY_CLIENT_ID: { schema: optionalText(), doc: 'eBay app key (client id), for `ebay` sources' },
  EBAY_CLIENT_SECRET: { schema: optionalText(), doc: 'eBay app key (client secret), for `ebay` sources' },
} satisfies SettingsTable;

const d = DEFAULTS;
const f = DEFAULTS.fetch;
const productToken = (t: string) => `expected a token like "MyBot/1.0", got "${t}"`;

/**
 * Every option of the config file, by its path: parser with default, and meaning. The typed config, the
 * README's option table (checked by test/config-docs.test.ts) and unknown-option errors come from here;
 * `sources[]` has a table per source type (config/sources.ts).
 */
export const FILE_SETTINGS = {
  'server.url': {
    schema: httpUrl('http://127.0.0.1:8787'),
    defaultDoc: '`FTF_BASE_URL` or `http://127.0.0.1:8787`',
    doc: 'search server (admin API)',
  },
  modelDir: {
    schema: optionalText(),
    defaultDoc: '(hub/cache)',
    doc: 'folder of the model files for the preset the server announces (`.models/fixture` for the fixture model)',
  },
  stateDir: {
    schema: text(d.stateDir),
    defaultDoc: `\`${d.stateDir}\``,
    doc: 'durable crawl state (one process at a time)',
  },
  'userAgent.product': {
    schema: matching(d.userAgentProduct, /^[A-Za-z][\w.-]*(\/[\w.-]+)?$/, productToken),
    defaultDoc: `\`${d.userAgentProduct}\``,
    doc: 'product token; also what robots.txt groups are matched against',
  },
  'userAgent.contactUrl': {
    schema: httpUrl(),
    doc: 'sent in every User-Agent: `FindThisFitBot/0.1 (+<contactUrl>)`',
  },
  'fetch.crawlDelayMs': {
    schema: integer(f.crawlDelayMs, 0, 600_000),
    doc: 'pause between two requests to one host (robots.txt `Crawl-delay` wins when longer)',
  },
  'fetch.timeoutMs': { schema: integer(f.timeoutMs, 100, 600_000), doc: 'per attempt: connect, headers and body' },
  'fetch.maxResponseBytes': {
    schema: integer(f.maxResponseBytes, 1024),
    doc: 'response-size cap (declared or streamed)',
  },
  'fetch.maxRedirects': {
    schema: integer(f.maxRedirects, 0, 20),
    doc: 'redirect hops; every hop is re-checked (address guard, robots)',
  },
  'fetch.maxRetries': {
    schema: integer(f.maxRetries, 0, 10),
    doc: 'retries for 429/5xx, timeouts and connection resets',
  },
  'fetch.backoffBaseMs': { schema: integer(f.backoffBaseMs, 0, 60_000), doc: 'full-jitter exponential backoff: base' },
  'fetch.backoffCapMs': { schema: integer(f.backoffCapMs, 0, 600_000), doc: 'full-jitter exponential backoff: cap' },
  'fetch.maxRetryAfterMs': {
    schema: integer(f.maxRetryAfterMs, 0, 3_600_000),
    doc: 'a longer `Retry-After` fails the request instead of waiting',
  },
  'fetch.forbiddenThreshold': {
    schema: integer(f.forbiddenThreshold, 1, 100),
    doc: "consecutive 403s that open a host's circuit breaker",
  },
  'fetch.allowLoopback': {
    schema: boolean(f.allowLoopback),
    doc: 'allow 127.0.0.0/8 and ::1 (local tests, the fixture marketplace)',
  },
  'fetch.allowPrivateAddresses': {
    schema: boolean(f.allowPrivateAddresses),
    doc: 'allow every non-public address (intranet crawls, on purpose only)',
  },
  'images.maxBytes': { schema: integer(d.images.maxBytes, 1024), doc: 'largest photo downloaded' },
  'images.maxPixels': {
    schema: integer(d.images.maxPixels, 1),
    doc: 'width × height limit, read from the header (decompression bombs)',
  },
  'images.recheck': {
    schema: boolean(d.images.recheck),
    doc: 'conditional GET on every photo each run (catches a new photo behind the same URL)',
  },
  'batch.pageSize': {
    schema: integer(d.batch.pageSize, 1, 250),
    doc: 'records per source page (Depop ≤ 100, Shopify ≤ 250) and product pages per JSON-LD page',
  },
  'batch.embed': { schema: integer(d.batch.embed, 1, 256), doc: 'photos per embedding call' },
  'batch.upsert': {
    schema: integer(d.batch.upsert, 1, 10_000),
    doc: "listings per admin upsert (capped by the server's `maxBatch`)",
  },
  'freshness.removeAfterMissedRuns': {
    schema: integer(d.freshness.removeAfterMissedRuns, 1, 1000),
    doc: 'a listing absent from this many consecutive complete crawls of its source is marked `removed`',
  },
  'schedule.cron': {
    schema: text(d.schedule.cron),
    defaultDoc: `\`${d.schedule.cron}\``,
    doc: 'cron expression (5 fields, or 6 with seconds)',
  },
  'schedule.jitterMs': {
    schema: integer(d.schedule.jitterMs, 0, 86_400_000),
    doc: 'random delay before each scheduled run',
  },
  'schedule.timezone': { schema: optionalText(), defaultDoc: '(local)', doc: 'IANA zone for the cron expression' },
  threads: {
    schema: optionalInteger(1, 256),
    defaultDoc: '(ONNX Runtime default)',
    doc: 'inference threads; 1 is often fastest on 2-core machines',
  },
  logLevel: { schema: oneOf(d.logLevel, LOG_LEVELS), defaultDoc: '`info`', doc: '`fatal`…`trace`, `silent`' },
} satisfies SettingsTable;

/** Top-level keys of the file: the sections of the table, `sources` and `$schema`. */
const TOP_LEVEL = new Set([...Object.keys(FILE_SETTINGS).map((path) => path.split('.')[0]), 'sources', '$schema']);

/** Command-line overrides (kebab flags mapped by the CLI). */
export interface ConfigOverrides {
  serverUrl?: string | undefined;
  stateDir?: string | undefined;
  modelDir?: string | undefined;
  crawlDelayMs?: number | undefined;
  allowLoopback?: boolean | undefined;
  cron?: string | undefined;
  jitterMs?: number | undefined;
  logLevel?: string | undefined;
}

/** `root[a][b]` for the path `a.b`; a section that is not an object is reported once and read as empty. */
function fileLookup(root: Record<string, unknown>, problems: string[]) {
  const reported = new Set<string>();
  return (path: string): unknown => {
    let value: unknown = root;
    const parts = path.split('.');
    for (const [i, part] of parts.entries()) {
      if (!isPlainObject(value)) {
        const section = parts.slice(0, i).join('.');
        if (value !== undefined && !reported.has(section)) {
          reported.add(section);
          problems.push(`${section}: expected an object`);
        }
        return undefined;
      }
      value = value[part];
    }
    return value;
  };
}

/** Runs `read`, moving its ConfigError problems into `problems` (so every problem is listed at once). */
function collect<T>(problems: string[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Builds the config from a JSON file's content (paths in it are relative to the file), flags and the
 * environment (`FTF_INGEST_API_KEY` or `FTF_API_KEY` for the secret key, `FTF_BASE_URL` for the server).
 * @throws {ConfigError} listing every problem at once.
 */
export function buildConfig(
  file: unknown,
  options: {
    baseDir: string;
    overrides?: ConfigOverrides;
    env?: Record<string, string | undefined>;
    /** Only reading the state (`status`): no key, sources or contact URL needed. */
    inspectOnly?: boolean;
  },
): IngestConfig {
  const problems: string[] = [];
  const overrides = options.overrides ?? {};
  const inspectOnly = options.inspectOnly === true;
  if (file !== undefined && !isPlainObject(file)) problems.push('config: expected an object');
  const root = isPlainObject(file) ? file : {};
  const env: Partial<SettingValues<typeof ENV_SETTINGS>> =
    collect(problems, () => readEnv(ENV_SETTINGS, options.env ?? process.env)) ?? {};
  if (isPlainObject(root.server) && root.server.apiKey !== undefined)
    problems.push('server.apiKey: secrets do not belong in the config file; set FTF_INGEST_API_KEY');
  const apiKey = env.FTF_INGEST_API_KEY ?? env.FTF_API_KEY ?? '';
  if (!apiKey && !inspectOnly)
    problems.push('FTF_INGEST_API_KEY (or FTF_API_KEY): the server secret key is required (admin upserts)');

  const fromFile = fileLookup(root, problems);
  const lookup = (path: string): unknown => {
    if (path === 'server.url') return overrides.serverUrl ?? fromFile(path) ?? env.FTF_BASE_URL;
    if (path === 'logLevel') return overrides.logLevel ?? fromFile(path);
    const value = fromFile(path);
    return path === 'userAgent.contactUrl' && value === undefined && inspectOnly ? 'https://unused.invalid/' : value;
  };
  const v = collect(problems, () => readSettings(FILE_SETTINGS, lookup));

  const sources: SourceConfig[] = [];
  if (root.sources !== undefined && !Array.isArray(root.sources)) problems.push('sources: expected an array');
  else
    for (const [i, raw] of ((root.sources as unknown[] | undefined) ?? []).entries()) {
      const source = readSource(raw, `sources[${i}]`, env, inspectOnly, problems);
      if (source) sources.push(source);
    }
  if (!inspectOnly && sources.length === 0) problems.push('sources: at least one source is required');
  for (const key of Object.keys(root)) if (!TOP_LEVEL.has(key)) problems.push(`${key}: unknown option`);
  if (problems.length > 0 || !v) throw new ConfigError(problems, 'Invalid ingest configuration');

  const fromBase = (path: string) => resolve(options.baseDir, path);
  return {
    server: { url: v['server.url'], apiKey },
    modelDir: overrides.modelDir ? resolve(overrides.modelDir) : v.modelDir && fromBase(v.modelDir),
    stateDir: overrides.stateDir ? resolve(overrides.stateDir) : fromBase(v.stateDir),
    userAgent: { product: v['userAgent.product'], contactUrl: v['userAgent.contactUrl'] },
    sources,
    fetch: {
      crawlDelayMs: overrides.crawlDelayMs ?? v['fetch.crawlDelayMs'],
      timeoutMs: v['fetch.timeoutMs'],
      maxResponseBytes: v['fetch.maxResponseBytes'],
      maxRedirects: v['fetch.maxRedirects'],
      maxRetries: v['fetch.maxRetries'],
      backoffBaseMs: v['fetch.backoffBaseMs'],
      backoffCapMs: v['fetch.backoffCapMs'],
      maxRetryAfterMs: v['fetch.maxRetryAfterMs'],
      forbiddenThreshold: v['fetch.forbiddenThreshold'],
      allowPrivateAddresses: v['fetch.allowPrivateAddresses'],
      allowLoopback: overrides.allowLoopback ?? v['fetch.allowLoopback'],
    },
    images: { maxBytes: v['images.maxBytes'], maxPixels: v['images.maxPixels'], recheck: v['images.recheck'] },
    batch: { pageSize: v['batch.pageSize'], embed: v['batch.embed'], upsert: v['batch.upsert'] },
    freshness: { removeAfterMissedRuns: v['freshness.removeAfterMissedRuns'] },
    schedule: {
      cron: overrides.cron ?? v['schedule.cron'],
      jitterMs: overrides.jitterMs ?? v['schedule.jitterMs'],
      timezone: v['schedule.timezone'],
    },
    threads: v.threads,
    logLevel: v.logLevel,
  };
}

/** Reads a JSON config file (or none) and builds the config. */
export function loadConfig(
  file: string | undefined,
  overrides: ConfigOverrides = {},
  env: Record<string, string | undefined> = process.env,
  inspectOnly = false,
): IngestConfig {
  let content: unknown = {};
  let baseDir = process.cwd();
  if (file) {
    const path = resolve(file);
    baseDir = dirname(path);
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(`Cannot read config file ${path}: ${reason}`, 'Invalid ingest configuration');
    }
    try {
      content = JSON.parse(raw);
    } catch (error) {
      throw new ConfigError(
        `Config file ${path} is not valid JSON: ${(error as Error).message}`,
        'Invalid ingest configuration',
      );
    }
  }
  return buildConfig(content, { baseDir, overrides, env, inspectOnly });
}

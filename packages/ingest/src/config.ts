import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_FETCHER_OPTIONS } from './fetcher/defaults.js';
import { DEFAULT_CRON } from './scheduler.js';

/** A bad config file, flag or variable; the message names every bad field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type SourceConfig =
  | { type: 'depop'; apiBase: string; webBase?: string; query?: Record<string, string>; shopId?: string }
  | { type: 'shopify'; storeUrl: string; currency: string; name?: string }
  | { type: 'jsonld'; sitemapUrl: string; include?: string; name?: string }
  | { type: 'woocommerce'; storeUrl: string; name?: string }
  | {
      type: 'ebay';
      apiBase: string;
      marketplaceId: string;
      query?: string;
      categoryIds: string;
      conditionIds?: string[];
      name?: string;
      /** From `EBAY_CLIENT_ID` / `EBAY_CLIENT_SECRET` only (a key in the file is refused); never logged. */
      credentials: { clientId: string; clientSecret: string };
    };

/** Everything ingest needs, validated, with defaults applied. */
export interface IngestConfig {
  server: { url: string; apiKey: string };
  /** Folder holding the model files for the preset the server announces (unset: the hub / its cache). */
  modelDir: string | undefined;
  stateDir: string;
  userAgent: { product: string; contactUrl: string };
  sources: SourceConfig[];
  fetch: {
    crawlDelayMs: number;
    timeoutMs: number;
    maxResponseBytes: number;
    maxRedirects: number;
    maxRetries: number;
    backoffBaseMs: number;
    backoffCapMs: number;
    maxRetryAfterMs: number;
    forbiddenThreshold: number;
    allowPrivateAddresses: boolean;
    allowLoopback: boolean;
  };
  images: { maxBytes: number; maxPixels: number; recheck: boolean };
  batch: { pageSize: number; embed: number; upsert: number };
  freshness: { removeAfterMissedRuns: number };
  schedule: { cron: string; jitterMs: number; timezone: string | undefined };
  threads: number | undefined;
  logLevel: string;
}

/** Documented defaults (the README's table is generated from the same values). */
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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

type Raw = Record<string, unknown>;

class Reader {
  readonly errors: string[] = [];

  object(value: unknown, path: string): Raw {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.errors.push(`${path}: expected an object`);
      return {};
    }
    return value as Raw;
  }

  string(value: unknown, path: string, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.push(`${path}: expected a non-empty string`);
      return '';
    }
    return value.trim();
  }

  url(value: unknown, path: string, fallback?: string): string {
    const text = this.string(value, path, fallback);
    if (!text) return text;
    try {
      const url = new URL(text);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      this.errors.push(`${path}: expected an http(s) URL, got "${text}"`);
    }
    return text;
  }

  int(value: unknown, path: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(`${path}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  bool(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.errors.push(`${path}: expected true or false`);
      return fallback;
    }
    return value;
  }
}

const SOURCE_KEYS: Record<string, string[]> = {
  depop: ['type', 'apiBase', 'webBase', 'query', 'shopId'],
  shopify: ['type', 'storeUrl', 'currency', 'name'],
  jsonld: ['type', 'sitemapUrl', 'include', 'name'],
  woocommerce: ['type', 'storeUrl', 'name'],
  ebay: ['type', 'apiBase', 'marketplaceId', 'query', 'categoryIds', 'conditionIds', 'name'],
};

function readEbay(
  r: Reader,
  raw: Raw,
  path: string,
  env: Record<string, string | undefined>,
  inspectOnly: boolean,
): SourceConfig {
  for (const secret of ['clientId', 'clientSecret', 'credentials'])
    if (raw[secret] !== undefined)
      r.errors.push(
        `${path}.${secret}: secrets do not belong in the config file; set EBAY_CLIENT_ID and EBAY_CLIENT_SECRET`,
      );
  const clientId = (env.EBAY_CLIENT_ID ?? '').trim();
  const clientSecret = (env.EBAY_CLIENT_SECRET ?? '').trim();
  if ((!clientId || !clientSecret) && !inspectOnly)
    r.errors.push(
      `${path}: EBAY_CLIENT_ID and EBAY_CLIENT_SECRET must be set (eBay app keys, from the environment only)`,
    );
  const marketplaceId = r.string(raw.marketplaceId, `${path}.marketplaceId`, 'EBAY_US');
  if (marketplaceId && !/^EBAY_[A-Z_]{2,}$/.test(marketplaceId))
    r.errors.push(`${path}.marketplaceId: expected an eBay marketplace id like "EBAY_US", got "${marketplaceId}"`);
  const categoryIds = r.string(raw.categoryIds, `${path}.categoryIds`, '11450');
  if (categoryIds && !/^\d+(,\d+)*$/.test(categoryIds))
    r.errors.push(`${path}.categoryIds: expected comma-separated category ids like "11450"`);
  let conditionIds: string[] | undefined;
  if (raw.conditionIds !== undefined) {
    if (!Array.isArray(raw.conditionIds) || !raw.conditionIds.every((c) => typeof c === 'string' && /^\d+$/.test(c)))
      r.errors.push(`${path}.conditionIds: expected an array of condition id strings like ["3000", "2990"]`);
    else conditionIds = raw.conditionIds as string[];
  }
  return {
    type: 'ebay',
    apiBase: r.url(raw.apiBase, `${path}.apiBase`, 'https://api.ebay.com'),
    marketplaceId,
    ...(raw.query !== undefined ? { query: r.string(raw.query, `${path}.query`) } : {}),
    categoryIds,
    ...(conditionIds ? { conditionIds } : {}),
    ...(raw.name !== undefined ? { name: r.string(raw.name, `${path}.name`) } : {}),
    credentials: { clientId, clientSecret },
  };
}

function readSource(
  r: Reader,
  value: unknown,
  path: string,
  env: Record<string, string | undefined>,
  inspectOnly: boolean,
): SourceConfig | undefined {
  const raw = r.object(value, path);
  const known = SOURCE_KEYS[String(raw.type)];
  if (known)
    for (const key of Object.keys(raw)) if (!known.includes(key)) r.errors.push(`${path}.${key}: unknown option`);
  switch (raw.type) {
    case 'woocommerce':
      return {
        type: 'woocommerce',
        storeUrl: r.url(raw.storeUrl, `${path}.storeUrl`),
        ...(raw.name !== undefined ? { name: r.string(raw.name, `${path}.name`) } : {}),
      };
    case 'ebay':
      return readEbay(r, raw, path, env, inspectOnly);
    case 'depop': {
      const query = r.object(raw.query, `${path}.query`);
      for (const [k, v] of Object.entries(query))
        if (typeof v !== 'string') r.errors.push(`${path}.query.${k}: expected a string`);
      return {
        type: 'depop',
        apiBase: r.url(raw.apiBase, `${path}.apiBase`, 'https://webapi.depop.com/api/v3'),
        ...(raw.webBase !== undefined ? { webBase: r.url(raw.webBase, `${path}.webBase`) } : {}),
        ...(raw.query !== undefined ? { query: query as Record<string, string> } : {}),
        ...(raw.shopId !== undefined ? { shopId: r.string(raw.shopId, `${path}.shopId`) } : {}),
      };
    }
    case 'shopify': {
      const currency = r.string(raw.currency, `${path}.currency`);
      if (currency && !/^[A-Z]{3}$/.test(currency))
        r.errors.push(`${path}.currency: expected an ISO 4217 code like "EUR"`);
      return {
        type: 'shopify',
        storeUrl: r.url(raw.storeUrl, `${path}.storeUrl`),
        currency,
        ...(raw.name !== undefined ? { name: r.string(raw.name, `${path}.name`) } : {}),
      };
    }
    case 'jsonld': {
      const include = raw.include === undefined ? undefined : r.string(raw.include, `${path}.include`);
      if (include) {
        try {
          new RegExp(include);
        } catch (error) {
          r.errors.push(`${path}.include: not a regular expression (${(error as Error).message})`);
        }
      }
      return {
        type: 'jsonld',
        sitemapUrl: r.url(raw.sitemapUrl, `${path}.sitemapUrl`),
        ...(include ? { include } : {}),
        ...(raw.name !== undefined ? { name: r.string(raw.name, `${path}.name`) } : {}),
      };
    }
    default:
      r.errors.push(
        `${path}.type: expected "depop", "shopify", "jsonld", "woocommerce" or "ebay", got ${JSON.stringify(raw.type)}`,
      );
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
  const r = new Reader();
  const env = options.env ?? process.env;
  const o = options.overrides ?? {};
  const root = r.object(file, 'config');
  const server = r.object(root.server, 'server');
  if (server.apiKey !== undefined)
    r.errors.push('server.apiKey: secrets do not belong in the config file; set FTF_INGEST_API_KEY');
  const inspectOnly = options.inspectOnly === true;
  const apiKey = (env.FTF_INGEST_API_KEY || env.FTF_API_KEY || '').trim();
  if (!apiKey && !inspectOnly)
    r.errors.push('FTF_INGEST_API_KEY (or FTF_API_KEY): the server secret key is required (admin upserts)');
  const url = r.url(o.serverUrl ?? server.url ?? env.FTF_BASE_URL, 'server.url', 'http://127.0.0.1:8787');
  const path = (value: unknown, field: string, fallback?: string) => {
    const text = r.string(value, field, fallback);
    return text ? resolve(options.baseDir, text) : text;
  };
  const ua = r.object(root.userAgent, 'userAgent');
  const contactUrl = r.url(ua.contactUrl, 'userAgent.contactUrl', inspectOnly ? 'https://unused.invalid/' : undefined);
  const product = r.string(ua.product, 'userAgent.product', DEFAULTS.userAgentProduct);
  if (product && !/^[A-Za-z][\w.-]*(\/[\w.-]+)?$/.test(product))
    r.errors.push(`userAgent.product: expected a token like "MyBot/1.0", got "${product}"`);

  const sourcesRaw = root.sources;
  const sources: SourceConfig[] = [];
  if (sourcesRaw !== undefined && !Array.isArray(sourcesRaw)) r.errors.push('sources: expected an array');
  else
    for (const [i, s] of (sourcesRaw ?? []).entries()) {
      const source = readSource(r, s, `sources[${i}]`, env, inspectOnly);
      if (source) sources.push(source);
    }
  if (!inspectOnly && sources.length === 0) r.errors.push('sources: at least one source is required');

  const f = r.object(root.fetch, 'fetch');
  const d = DEFAULTS.fetch;
  const fetch = {
    crawlDelayMs: o.crawlDelayMs ?? r.int(f.crawlDelayMs, 'fetch.crawlDelayMs', d.crawlDelayMs, 0, 600_000),
    timeoutMs: r.int(f.timeoutMs, 'fetch.timeoutMs', d.timeoutMs, 100, 600_000),
    maxResponseBytes: r.int(f.maxResponseBytes, 'fetch.maxResponseBytes', d.maxResponseBytes, 1024),
    maxRedirects: r.int(f.maxRedirects, 'fetch.maxRedirects', d.maxRedirects, 0, 20),
    maxRetries: r.int(f.maxRetries, 'fetch.maxRetries', d.maxRetries, 0, 10),
    backoffBaseMs: r.int(f.backoffBaseMs, 'fetch.backoffBaseMs', d.backoffBaseMs, 0, 60_000),
    backoffCapMs: r.int(f.backoffCapMs, 'fetch.backoffCapMs', d.backoffCapMs, 0, 600_000),
    maxRetryAfterMs: r.int(f.maxRetryAfterMs, 'fetch.maxRetryAfterMs', d.maxRetryAfterMs, 0, 3_600_000),
    forbiddenThreshold: r.int(f.forbiddenThreshold, 'fetch.forbiddenThreshold', d.forbiddenThreshold, 1, 100),
    allowPrivateAddresses: r.bool(f.allowPrivateAddresses, 'fetch.allowPrivateAddresses', d.allowPrivateAddresses),
    allowLoopback: o.allowLoopback ?? r.bool(f.allowLoopback, 'fetch.allowLoopback', d.allowLoopback),
  };
  const im = r.object(root.images, 'images');
  const b = r.object(root.batch, 'batch');
  const fr = r.object(root.freshness, 'freshness');
  const sc = r.object(root.schedule, 'schedule');
  const logLevel =
    o.logLevel ?? (root.logLevel === undefined ? DEFAULTS.logLevel : r.string(root.logLevel, 'logLevel'));
  if (!LOG_LEVELS.includes(logLevel)) r.errors.push(`logLevel: expected one of ${LOG_LEVELS.join(', ')}`);
  const timezone = sc.timezone === undefined ? undefined : r.string(sc.timezone, 'schedule.timezone');

  const config: IngestConfig = {
    server: { url, apiKey },
    modelDir: o.modelDir
      ? resolve(o.modelDir)
      : root.modelDir === undefined
        ? undefined
        : path(root.modelDir, 'modelDir'),
    stateDir: o.stateDir ? resolve(o.stateDir) : path(root.stateDir, 'stateDir', DEFAULTS.stateDir),
    userAgent: { product, contactUrl },
    sources,
    fetch,
    images: {
      maxBytes: r.int(im.maxBytes, 'images.maxBytes', DEFAULTS.images.maxBytes, 1024),
      maxPixels: r.int(im.maxPixels, 'images.maxPixels', DEFAULTS.images.maxPixels, 1),
      recheck: r.bool(im.recheck, 'images.recheck', DEFAULTS.images.recheck),
    },
    batch: {
      pageSize: r.int(b.pageSize, 'batch.pageSize', DEFAULTS.batch.pageSize, 1, 250),
      embed: r.int(b.embed, 'batch.embed', DEFAULTS.batch.embed, 1, 256),
      upsert: r.int(b.upsert, 'batch.upsert', DEFAULTS.batch.upsert, 1, 10_000),
    },
    freshness: {
      removeAfterMissedRuns: r.int(
        fr.removeAfterMissedRuns,
        'freshness.removeAfterMissedRuns',
        DEFAULTS.freshness.removeAfterMissedRuns,
        1,
        1000,
      ),
    },
    schedule: {
      cron: o.cron ?? r.string(sc.cron, 'schedule.cron', DEFAULTS.schedule.cron),
      jitterMs: o.jitterMs ?? r.int(sc.jitterMs, 'schedule.jitterMs', DEFAULTS.schedule.jitterMs, 0, 86_400_000),
      timezone,
    },
    threads: root.threads === undefined ? undefined : r.int(root.threads, 'threads', 1, 1, 256),
    logLevel,
  };
  const known = new Set([
    'server',
    'modelDir',
    'stateDir',
    'userAgent',
    'sources',
    'fetch',
    'images',
    'batch',
    'freshness',
    'schedule',
    'threads',
    'logLevel',
    '$schema',
  ]);
  for (const key of Object.keys(root)) if (!known.has(key)) r.errors.push(`${key}: unknown option`);
  if (r.errors.length > 0) throw new ConfigError(`Invalid ingest configuration:\n  - ${r.errors.join('\n  - ')}`);
  return config;
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
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `Cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    try {
      content = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return buildConfig(content, { baseDir, overrides, env, inspectOnly });
}

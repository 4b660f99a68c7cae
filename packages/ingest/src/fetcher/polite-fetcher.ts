import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { Agent, type Dispatcher, request } from 'undici';
import { type AddressPolicy, guardedLookup, isAddressAllowed } from './address-guard.js';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  BlockedAddressError,
  CircuitOpenError,
  FetchError,
  HttpStatusError,
  ResponseTooLargeError,
  RobotsDisallowedError,
} from './errors.js';
import { HostSlots } from './host-slots.js';
import { RobotsCache } from './robots.js';

export interface FetcherOptions {
  /** Full User-Agent header, e.g. `FindThisFitBot/0.1 (+https://example.com/bot)`. */
  userAgent: string;
  /** Product token robots.txt groups are matched against, e.g. `FindThisFitBot`. */
  robotsAgent: string;
  /** Minimum pause between two requests to one host (robots.txt Crawl-delay wins when longer). */
  crawlDelayMs: number;
  /** Per attempt: connect + headers + body. */
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  /** Retries after the first attempt, for 429/5xx, timeouts and connection errors. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
  /** Consecutive 403s from one host that open its circuit breaker. */
  forbiddenThreshold: number;
  addressPolicy: AddressPolicy;
  logger: Logger;
  random?: () => number;
}

export { DEFAULT_FETCHER_OPTIONS } from './defaults.js';

export interface FetchOptions {
  accept?: string;
  /** GET unless said otherwise; POST is for token endpoints of official APIs (eBay OAuth). */
  method?: 'GET' | 'POST';
  /** Request body (POST). */
  body?: string;
  /** Extra request headers (e.g. `authorization`); the User-Agent and Accept stay ours. Never logged. */
  headers?: Record<string, string>;
  /**
   * `false` for an official, authenticated API used under its own terms (eBay's Browse API with an app token):
   * robots.txt speaks to web crawlers and is not consulted there. Everything else stays polite.
   */
  robots?: false;
  /** Ignore any stored copy and download afresh (the revalidating layer in front; the fetcher itself ignores it). */
  fresh?: boolean;
  /** Validators from an earlier response: a 304 comes back as `notModified`. */
  conditional?: { etag?: string | undefined; lastModified?: string | undefined };
  /** Lower cap than the fetcher's for this call (images). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface FetchResult {
  /** Final URL after redirects. */
  url: string;
  status: number;
  notModified: boolean;
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
  /** Response headers, lower-case names (a repeated header: its first value). */
  headers: Record<string, string>;
  body: Buffer;
}

/** Counters for the run summary and tests. */
export interface FetcherStats {
  requests: number;
  retries: number;
  notModified: number;
  bytes: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'TimeoutError',
  'AbortError',
]);

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Drops a body we will not read; the abort error it emits is expected, not a crash. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (typeof e?.cause?.code === 'string' && e.cause.code === 'EBLOCKEDADDRESS') return 'EBLOCKEDADDRESS';
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return typeof e?.name === 'string' ? e.name : 'unknown';
}

/**
 * The only way ingest talks HTTP: robots.txt, one request per host at a time with a crawl delay, an honest
 * User-Agent, Retry-After and jittered backoff, conditional GET, timeouts, a size cap, redirects re-checked hop
 * by hop, an address guard applied after DNS resolution, and a per-host circuit breaker.
 */
export class PoliteFetcher {
  readonly #options: FetcherOptions;
  readonly #agent: Dispatcher;
  readonly #slots = new HostSlots();
  readonly #robots: RobotsCache;
  readonly #robotsDelay = new Map<string, number>();
  readonly #breaker: CircuitBreaker;
  readonly #random: () => number;
  readonly stats: FetcherStats = { requests: 0, retries: 0, notModified: 0, bytes: 0 };

  constructor(options: FetcherOptions) {
    if (!/\+?https?:\/\//.test(options.userAgent)) {
      throw new TypeError(
        `userAgent must carry a contact URL (e.g. "Bot/1.0 (+https://…)"), got "${options.userAgent}".`,
      );
    }
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#agent = new Agent({
      connect: { lookup: guardedLookup(options.addressPolicy), timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.#breaker = new CircuitBreaker(options.forbiddenThreshold, (host, reason) =>
      options.logger.error(
        { host, reason },
        `circuit breaker open for ${host}: ${reason}. Stopping all requests to this host for this run; a polite crawler does not evade bot protection.`,
      ),
    );
    this.#robots = new RobotsCache(options.robotsAgent, async (robotsUrl) => {
      try {
        const result = await this.#follow(new URL(robotsUrl), { accept: 'text/plain', maxBytes: 512 * 1024 }, false);
        return { status: result.status, body: result.body.toString('utf8') };
      } catch (error) {
        if (error instanceof HttpStatusError) return { status: error.status, body: '' };
        throw error;
      }
    });
  }

  /** Hosts whose breaker opened this run, with the reason. */
  get openCircuits(): ReadonlyMap<string, string> {
    return this.#breaker.openHosts;
  }

  /** Most requests ever in flight at once (one per host means 1 for a single-host crawl). */
  get maxInFlight(): number {
    return this.#slots.maxInFlight;
  }

  /**
   * Whether robots.txt lets us fetch `url` (read once per origin per run, as for every request). For callers that
   * would answer from a stored copy without a request: a page robots.txt now forbids is not used either.
   */
  async isAllowed(url: string): Promise<boolean> {
    try {
      return (await this.#robots.rulesFor(new URL(url))).isAllowed(url);
    } catch {
      return false;
    }
  }

  /** GET `url` politely. 2xx and 304 resolve; anything else rejects with a `FetchError` naming the reason. */
  async fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new FetchError('invalid_url', url, `Not a URL: "${url}".`);
    }
    return this.#follow(parsed, options, options.robots !== false);
  }

  async #follow(start: URL, options: FetchOptions, checkRobots: boolean): Promise<FetchResult> {
    let current = start;
    for (let hop = 0; ; hop++) {
      const response = await this.#hop(current, options, checkRobots);
      if (!('location' in response)) return response;
      if (hop >= this.#options.maxRedirects) {
        throw new FetchError(
          'too_many_redirects',
          start.href,
          `More than ${this.#options.maxRedirects} redirects from ${start.href}.`,
        );
      }
      current = response.location;
    }
  }

  /** One URL (no redirect following): checks, then attempts with retries. */
  async #hop(url: URL, options: FetchOptions, checkRobots: boolean): Promise<FetchResult | { location: URL }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError('bad_protocol', url.href, `Only http(s) URLs are fetched, not ${url.protocol}.`);
    }
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(hostname) && !isAddressAllowed(hostname, this.#options.addressPolicy)) {
      throw new BlockedAddressError(url.href, hostname);
    }
    const host = url.host;
    const open = this.#breaker.openReason(host);
    if (open) throw new CircuitOpenError(url.href, host, open);
    if (checkRobots) {
      const rules = await this.#robots.rulesFor(url);
      if (rules.crawlDelayMs !== undefined) this.#robotsDelay.set(host, rules.crawlDelayMs);
      if (!rules.isAllowed(url.href)) throw new RobotsDisallowedError(url.href, rules.unreadable ?? 'Disallow rule');
    }
    const delay = () => Math.max(this.#options.crawlDelayMs, this.#robotsDelay.get(host) ?? 0);

    for (let attempt = 0; ; attempt++) {
      let failure: FetchError;
      let retryAfterMs: number | undefined;
      try {
        const result = await this.#slots.run(host, delay, () => this.#attempt(url, options), options.signal);
        if ('location' in result || 'body' in result) return result;
        retryAfterMs = result.retryAfterMs;
        failure = new HttpStatusError(url.href, result.status, RETRY_STATUS.has(result.status));
      } catch (error) {
        if (error instanceof FetchError && !error.retryable) throw error;
        if (options.signal?.aborted) throw error;
        failure =
          error instanceof FetchError
            ? error
            : new FetchError(
                'network',
                url.href,
                `${errorCode(error)} fetching ${url.href}: ${(error as Error).message}`,
                // resets, refusals and timeouts are worth another try; TLS or protocol errors are not
                { retryable: RETRY_CODES.has(errorCode(error)), cause: error },
              );
      }
      if (!failure.retryable || attempt >= this.#options.maxRetries) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > this.#options.maxRetryAfterMs) {
        throw new FetchError(
          'retry_after_too_long',
          url.href,
          `${url.host} asked us to come back in ${Math.round(retryAfterMs / 1000)} s (over the ${this.#options.maxRetryAfterMs / 1000} s we wait).`,
        );
      }
      const wait =
        retryAfterMs ?? backoffDelay(attempt, this.#options.backoffBaseMs, this.#options.backoffCapMs, this.#random);
      // Retry-After speaks for the whole host: every request to it waits, not only this one.
      if (retryAfterMs !== undefined) this.#slots.pause(host, Date.now() + retryAfterMs);
      this.stats.retries++;
      this.#options.logger.debug(
        { url: url.href, attempt: attempt + 1, waitMs: wait, reason: failure.message },
        'retrying',
      );
      if (retryAfterMs === undefined) await sleep(wait, options.signal);
    }
  }

  async #attempt(
    url: URL,
    options: FetchOptions,
  ): Promise<FetchResult | { location: URL } | { status: number; retryAfterMs: number | undefined }> {
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      'user-agent': this.#options.userAgent,
      accept: options.accept ?? '*/*',
      'accept-encoding': 'identity',
    };
    if (options.conditional?.etag) headers['if-none-match'] = options.conditional.etag;
    if (options.conditional?.lastModified) headers['if-modified-since'] = options.conditional.lastModified;
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    this.stats.requests++;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: options.method ?? 'GET',
        headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
        dispatcher: this.#agent,
        signal,
      });
    } catch (error) {
      if (errorCode(error) === 'EBLOCKEDADDRESS') {
        throw new BlockedAddressError(
          url.href,
          (error as { cause?: { address?: string } }).cause?.address ?? url.hostname,
        );
      }
      throw error;
    }
    const { statusCode: status, headers: raw } = response;
    const challenge = header(raw, 'cf-mitigated')?.toLowerCase() === 'challenge';
    const tripped = this.#breaker.record(url.host, status, challenge);
    if (tripped) {
      await response.body.dump().catch(() => {});
      throw new CircuitOpenError(url.href, url.host, tripped);
    }
    if (REDIRECTS.has(status)) {
      await response.body.dump().catch(() => {});
      const location = header(raw, 'location');
      if (!location)
        throw new FetchError('bad_redirect', url.href, `HTTP ${status} without Location from ${url.href}.`);
      return { location: new URL(location, url) };
    }
    if (status === 304) {
      await response.body.dump().catch(() => {});
      this.stats.notModified++;
      return this.#result(url, status, raw, Buffer.alloc(0));
    }
    if (status < 200 || status >= 300) {
      await response.body.dump().catch(() => {});
      return { status, retryAfterMs: parseRetryAfter(header(raw, 'retry-after')) };
    }
    const cap = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, this.#options.maxResponseBytes);
    const declared = Number(header(raw, 'content-length'));
    if (Number.isFinite(declared) && declared > cap) {
      discard(response.body);
      throw new ResponseTooLargeError(url.href, cap);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        discard(response.body);
        throw new ResponseTooLargeError(url.href, cap);
      }
      chunks.push(chunk as Buffer);
    }
    this.stats.bytes += size;
    return this.#result(url, status, raw, Buffer.concat(chunks));
  }

  #result(url: URL, status: number, raw: Record<string, string | string[] | undefined>, body: Buffer): FetchResult {
    return {
      url: url.href,
      status,
      notModified: status === 304,
      contentType: header(raw, 'content-type'),
      etag: header(raw, 'etag'),
      lastModified: header(raw, 'last-modified'),
      headers: Object.fromEntries(
        Object.entries(raw).flatMap(([name, value]) => {
          const first = Array.isArray(value) ? value[0] : value;
          return first === undefined ? [] : [[name.toLowerCase(), first]];
        }),
      ),
      body,
    };
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#agent.close();
  }
}

import type { Context, Middleware } from 'koa';
import type { Config } from '../config.js';
import { RateLimitedError } from '../errors.js';
import type { Caller } from './keys.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets by name; a Map kept in least-recently-used order. Memory is bounded twice: buckets idle long
 * enough to be full again are dropped (a full bucket and no bucket behave the same), and past `maxBuckets` the
 * least recently used goes (it just starts full again).
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  constructor(
    readonly rps: number,
    readonly burst: number,
    readonly maxBuckets = 10_000,
    readonly now: () => number = Date.now,
  ) {}

  /** 0 when a token was taken, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, updatedMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * this.rps);
    bucket.updatedMs = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    this.#evict(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rps));
  }

  /** Looks at the few least recently used buckets per call: amortised O(1), and idle ones never pile up. */
  #evict(now: number): void {
    const refillMs = (this.burst / this.rps) * 1000;
    let looked = 0;
    for (const [key, bucket] of this.#buckets) {
      const over = this.#buckets.size > this.maxBuckets;
      if (!over && (looked >= 2 || now - bucket.updatedMs < refillMs)) break;
      this.#buckets.delete(key);
      looked++;
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** Probes and scrapes, exactly as routed (case-sensitive): never limited, so they keep working under load. */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** Whether a request is exempt: only the exact probe paths with GET/HEAD; every other spelling is limited. */
export function isUnlimited(ctx: Pick<Context, 'method' | 'path'>): boolean {
  return (ctx.method === 'GET' || ctx.method === 'HEAD') && UNLIMITED.has(ctx.path);
}

/**
 * Rate limit → 429 with Retry-After. Every request except the probes is counted, whatever its path's spelling.
 * A client is the caller's key plus its IP (`ctx.ip`: the socket address, or X-Forwarded-For under
 * FTF_TRUST_PROXY), so one shopper cannot use up a shop's publishable key for everyone; on top, each key has a
 * ceiling across all its clients. Without a valid key the IP alone is the client. FTF_RATE_LIMIT_RPS=0 turns it off.
 */
export function rateLimit(config: Config): Middleware {
  const { rps, burst, keyRps, keyBurst } = config.rateLimit;
  if (rps <= 0) return (_ctx, next) => next();
  const perClient = new TokenBuckets(rps, burst);
  const perKey = keyRps > 0 ? new TokenBuckets(keyRps, keyBurst, 1_000) : undefined;
  return async (ctx, next) => {
    if (isUnlimited(ctx)) return next();
    const caller = ctx.state.caller as Caller;
    const keyId = caller.kind === 'secret' || caller.kind === 'publishable' ? caller.id : undefined;
    const clientWait = perClient.take(`${keyId ?? 'none'}|${ctx.ip}`);
    if (clientWait > 0) throw new RateLimitedError(clientWait);
    if (keyId && perKey) {
      const keyWait = perKey.take(keyId);
      if (keyWait > 0) throw new RateLimitedError(keyWait);
    }
    await next();
  };
}

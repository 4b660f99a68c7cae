import type { Middleware } from 'koa';
import type { Config } from '../config.js';
import { RateLimitedError } from '../errors.js';
import type { Caller } from './keys.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets keyed by caller; a Map kept in least-recently-used order and capped, so a flood of
 * distinct IPs costs bounded memory (an evicted bucket just starts full again).
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
    if (this.#buckets.size > this.maxBuckets) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rps));
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** Per key (per IP without a valid key) rate limit → 429 with Retry-After. FTF_RATE_LIMIT_RPS=0 turns it off. */
export function rateLimit(config: Config): Middleware {
  if (config.rateLimit.rps <= 0) return (_ctx, next) => next();
  const buckets = new TokenBuckets(config.rateLimit.rps, config.rateLimit.burst);
  return async (ctx, next) => {
    const caller = ctx.state.caller as Caller;
    const key = caller.kind === 'secret' || caller.kind === 'publishable' ? caller.id : `ip:${ctx.ip}`;
    const wait = buckets.take(key);
    if (wait > 0) throw new RateLimitedError(wait);
    await next();
  };
}

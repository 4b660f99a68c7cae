import { parseRetryAfter as parseRetryAfterHeader, sleep } from '@find-this-fit/sdk';

/** Full-jitter exponential backoff: a random delay in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date (a past date is 0). Undefined when absent or
 * unparsable (the caller falls back to its own backoff). Parsed by the sdk's one `Retry-After` reader.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const ms = parseRetryAfterHeader(value, now);
  return ms === undefined ? undefined : Math.max(0, ms);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first (the sdk's). */
export { sleep };

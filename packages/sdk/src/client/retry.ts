/** Longest wait we accept from a `Retry-After` header; longer asks are treated as "give up". */
export const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** 408, 429 and 5xx are worth another try; other statuses will not change by themselves. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A `Retry-After` value (RFC 9110: delay-seconds or an HTTP date) as milliseconds from `now`, or undefined when
 * absent or unparsable. Seconds may carry a decimal fraction. A date in the past gives a negative number: callers
 * choose between "retry now" and their own backoff. The one parser for the SDK client, ingest and the widget.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates start with the day's name; Date.parse alone would read '-1' or '2' as years.
  const date = /^[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : date - now;
}

/**
 * The server's requested wait (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date),
 * or undefined when absent, unparsable, in the past, or beyond {@link MAX_RETRY_AFTER_MS}.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms))
    return ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
  const wait = parseRetryAfter(headers?.get('retry-after'), now);
  return wait !== undefined && wait >= 0 && wait <= MAX_RETRY_AFTER_MS ? wait : undefined;
}

/** Exponential backoff (0.5 s, 1 s, 2 s … capped at 8 s) with up to 25 % jitter, so clients don't retry in step. */
export function backoffMs(retriesDone: number, random = Math.random): number {
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retriesDone, MAX_DELAY_MS);
  return base * (1 - random() * 0.25);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

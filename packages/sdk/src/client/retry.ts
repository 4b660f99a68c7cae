/** Longest wait we accept from a `Retry-After` header; longer asks are treated as "give up". */
export const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** 408, 429 and 5xx are worth another try; other statuses will not change by themselves. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The server's requested wait (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date),
 * or undefined when absent, unparsable, or beyond {@link MAX_RETRY_AFTER_MS}.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms))
    return ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(wait) && wait >= 0 && wait <= MAX_RETRY_AFTER_MS ? wait : undefined;
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

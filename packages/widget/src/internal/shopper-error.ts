import { isAPIError, isFindThisFitError, parseRetryAfter } from '@find-this-fit/sdk';
import { type FtfStrings, fill } from './strings.js';

/** What the widget tells the shopper, and what it tells the host (code, status, technical message). */
export interface ShopperError {
  /** Stable code for hosts: `network`, `model_mismatch`, `rate_limited`, `unavailable`, `auth`, … */
  code: string;
  /** Words for the shopper. */
  message: string;
  /** The technical message, for logs (never shown to the shopper). */
  detail: string;
  status?: number;
  /** Whether trying again can help. */
  retryable: boolean;
}

function retryAfterSeconds(headers: Record<string, string>): number {
  const ms = parseRetryAfter(headers['retry-after']);
  if (ms === undefined) return 10;
  return ms < 0 ? 1 : Math.ceil(ms / 1000); // a date already past: "in 1 s", not "in 0 s"
}

/** Maps any failure (API, network, photo, model worker) to words a shopper understands. */
export function toShopperError(error: unknown, strings: FtfStrings): ShopperError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (isAPIError(error)) {
    const base = { detail, status: error.status };
    if (error.status === 409)
      return { ...base, code: 'model_mismatch', message: strings.errorModelMismatch, retryable: false };
    if (error.status === 429) {
      const seconds = retryAfterSeconds(error.headers);
      return { ...base, code: 'rate_limited', message: fill(strings.errorRateLimited, { seconds }), retryable: true };
    }
    if (error.status === 401 || error.status === 403)
      return { ...base, code: 'auth', message: strings.errorAuth, retryable: false };
    if (error.status === 413) return { ...base, code: 'too_large', message: strings.errorTooLarge, retryable: false };
    if (error.status === 415)
      return { ...base, code: 'not_an_image', message: strings.errorNotAnImage, retryable: false };
    if (error.status >= 500)
      return { ...base, code: 'unavailable', message: strings.errorUnavailable, retryable: true };
    return { ...base, code: error.code, message: strings.errorGeneric, retryable: true };
  }
  if (code === 'model_mismatch') return { code, detail, message: strings.errorModelMismatch, retryable: false };
  if (code === 'not_an_image' || code === 'unreadable' || code === 'unreadable_image')
    return { code: 'not_an_image', detail, message: strings.errorNotAnImage, retryable: false };
  if (code === 'too_many_pixels')
    return { code: 'too_large', detail, message: strings.errorTooLarge, retryable: false };
  if (isFindThisFitError(error) && (error.code === 'connection_error' || error.code === 'timeout'))
    return { code: 'network', detail, message: strings.errorNetwork, retryable: true };
  if (typeof code === 'string' && /^(model_|worker_|embedder_|unknown_preset|dimension_mismatch)/.test(code))
    return { code: 'model_load_failed', detail, message: strings.errorModelLoad, retryable: true };
  return { code: 'unknown', detail, message: strings.errorGeneric, retryable: true };
}

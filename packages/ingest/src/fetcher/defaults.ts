/** Fetcher defaults, apart from the fetcher so the config can read them without loading undici. */
export const DEFAULT_FETCHER_OPTIONS = {
  crawlDelayMs: 1000,
  timeoutMs: 15_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  maxRetries: 3,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  maxRetryAfterMs: 120_000,
  forbiddenThreshold: 3,
} as const;

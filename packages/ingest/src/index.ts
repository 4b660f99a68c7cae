/** `@find-this-fit/ingest`: source adapters, the polite fetcher, the image pipeline, state and scheduler. */

export { SOURCE_SETTINGS } from './config/sources.js';
export {
  buildConfig,
  ConfigError,
  type ConfigOverrides,
  DEFAULTS,
  ENV_SETTINGS,
  FILE_SETTINGS,
  type IngestConfig,
  loadConfig,
  type SourceConfig,
} from './config.js';
export { microdataItems } from './extract/microdata.js';
export {
  type ParsedSitemap,
  parseSitemapBody,
  SITEMAP_MAX_BYTES,
  SITEMAP_MAX_URLS,
  type SitemapEntry,
  SitemapError,
} from './extract/sitemap.js';
export { type SitemapReport, type SitemapWalk, walkSitemaps } from './extract/sitemap-walk.js';
export { type AddressPolicy, guardedLookup, isAddressAllowed } from './fetcher/address-guard.js';
export { backoffDelay, parseRetryAfter } from './fetcher/backoff.js';
export {
  BlockedAddressError,
  CircuitOpenError,
  FetchError,
  HttpStatusError,
  ResponseTooLargeError,
  RobotsDisallowedError,
} from './fetcher/errors.js';
export {
  DEFAULT_FETCHER_OPTIONS,
  type FetcherOptions,
  type FetchOptions,
  type FetchResult,
  PoliteFetcher,
} from './fetcher/polite-fetcher.js';
export { type RobotsRules, rulesFrom } from './fetcher/robots.js';
export {
  formatInspectReport,
  type InspectKind,
  type InspectOptions,
  type InspectReport,
  InspectUsageError,
  inspectUrl,
} from './inspect.js';
export { createLogger } from './logger.js';
export { checkImage, ImageRejectedError } from './pipeline/image-check.js';
export { type ReembedSummary, reembedAll } from './pipeline/reembed.js';
export { RevalidatingFetcher, type RevalidationStats } from './pipeline/revalidating-fetcher.js';
export { type IngestDeps, type IngestOptions, type IngestProgress, itemKey, runIngest } from './pipeline/run-ingest.js';
export { loadServerModel, ModelMismatchError, type ServerModel } from './pipeline/server-model.js';
export { EXIT_CODES, formatSummary, outcomeOf, type RunOutcome, type RunSummary } from './pipeline/summary.js';
export { EmbedWorkerError, startWorkerEmbedder, type WorkerEmbedder } from './pipeline/worker-embedder.js';
export { DEFAULT_CRON, type Scheduler, type SchedulerOptions, startScheduler } from './scheduler.js';
export { depopSource, normalizeDepop } from './sources/depop.js';
export { ebaySource, normalizeEbay } from './sources/ebay.js';
export { EbayAppToken, type EbayCredentials } from './sources/ebay-token.js';
export { extractJsonLdProduct, jsonLdSource, normalizeJsonLdProduct, parseSitemap } from './sources/jsonld.js';
export { normalizeShopify, shopifySource } from './sources/shopify.js';
export { type NormalizedListing, NormalizeError, type SourceAdapter, type SourcePage } from './sources/types.js';
export { normalizeWooCommerce, wooCommerceSource } from './sources/woocommerce.js';
export { BodyStore } from './state/body-store.js';
export { StateLockedError } from './state/lock.js';
export { StateStore, writeFileAtomic } from './state/state-store.js';
export type { ItemState, RunState, StateData } from './state/types.js';
export { buildClient, buildFetcher, buildSources, ingestOnce, reembedOnce } from './wiring.js';

import type { FindThisFit } from '@find-this-fit/sdk';
import type { Logger } from 'pino';
import type { PoliteFetcher } from '../fetcher/polite-fetcher.js';
import type { SourceAdapter } from '../sources/types.js';
import type { StateStore } from '../state/state-store.js';
import { BoundedQueue } from './bounded-queue.js';
import { classifyListing } from './classify.js';
import { commitBatch } from './commit.js';
import { consumeEntries } from './consume.js';
import { crawlSource } from './crawl.js';
import { embedEntries, type ImageEmbedder } from './embed.js';
import type { Entry } from './entry.js';
import { type IngestProgress, IngestRun } from './ingest-run.js';
import { markMissing } from './mark-missing.js';
import type { RevalidatingFetcher } from './revalidating-fetcher.js';
import type { RunSummary } from './summary.js';

export { itemKey } from './entry.js';
export type { IngestProgress } from './ingest-run.js';

export interface IngestDeps {
  client: FindThisFit;
  /** The SDK embedder or the worker-thread one: encoded image bytes in, L2-normalised vectors out. */
  embedder: ImageEmbedder;
  /** The server's model fingerprint (the embedder's, checked by `loadServerModel`). */
  fingerprint: string;
  fetcher: PoliteFetcher;
  /** What sources fetch pages and feeds with (conditional GETs, `<lastmod>` skips); default: `fetcher`. */
  sourceFetcher?: RevalidatingFetcher;
  state: StateStore;
  sources: SourceAdapter[];
  logger: Logger;
}

export interface IngestOptions {
  /** Records per source page, where the source lets us choose. */
  pageSize: number;
  /** Images per embedding call. */
  embedBatchSize: number;
  /** Listings per admin upsert request (≤ the server's maxBatch). */
  upsertBatchSize: number;
  maxImageBytes: number;
  maxImagePixels: number;
  /** A listing missing from this many consecutive complete crawls of its source is marked removed. */
  removeAfterMissedRuns: number;
  /** Re-download (conditional GET) every image, not only those of changed listings. */
  recheckImages: boolean;
  /** How many listings fetching may run ahead of embedding. */
  queueSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

const POSITIVE_OPTIONS = [
  'pageSize',
  'embedBatchSize',
  'upsertBatchSize',
  'maxImageBytes',
  'maxImagePixels',
  'removeAfterMissedRuns',
] as const;

function validate(deps: IngestDeps, options: IngestOptions): void {
  for (const name of POSITIVE_OPTIONS) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`runIngest: ${name} must be a positive integer, got ${value}.`);
  }
  if (deps.sources.length === 0) throw new RangeError('runIngest: at least one source is needed.');
  if (typeof deps.fingerprint !== 'string' || deps.fingerprint === '')
    throw new TypeError('runIngest: fingerprint is required.');
}

/**
 * One ingest run: crawl every source from its cursor, fetch and check images, embed in batches while the
 * next images download, upsert in batches, mark sold/removed listings, and checkpoint state after every
 * committed batch so a killed run resumes where it stopped.
 *
 * A producer (crawl → classify) and a consumer (embed → commit) joined by a bounded queue; the stages are
 * their own modules and share the run's state through an `IngestRun`.
 */
export async function runIngest(deps: IngestDeps, options: IngestOptions): Promise<RunSummary> {
  validate(deps, options);
  const { client, embedder, fetcher, sourceFetcher, state, sources, logger } = deps;
  const run = IngestRun.begin(state, sources, {
    fingerprint: deps.fingerprint,
    logger,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const queue = new BoundedQueue<Entry>(options.queueSize ?? Math.max(16, options.embedBatchSize * 3));

  const consumer = consumeEntries(run, queue, options, {
    embed: (entries) => embedEntries(run, embedder, entries),
    commit: (batch) => commitBatch(run, client, options, batch),
  });
  consumer.catch(() => queue.close());

  const crawlOptions = {
    fetcher: sourceFetcher ?? fetcher,
    ...(sourceFetcher ? { revalidating: sourceFetcher } : {}),
    pageSize: options.pageSize,
  };
  const classifyOptions = { ...options, fetcher };
  const sink = {
    listing: async (listing: Parameters<typeof classifyListing>[2], key: string) => {
      const entry = await classifyListing(run, classifyOptions, listing, key);
      if (entry) await queue.push(entry);
    },
    pageDone: (source: SourceAdapter, next: string | null) => queue.push({ kind: 'checkpoint', source, next }),
  };
  try {
    for (const adapter of sources) {
      if (run.aborted) break;
      try {
        await crawlSource(run, adapter, crawlOptions, sink);
      } catch (error) {
        // Stopped (Ctrl-C, scheduler stop): let the consumer commit what it has; the run stays resumable.
        if (run.aborted) break;
        throw error;
      }
    }
  } finally {
    queue.close();
  }
  await consumer;

  if (!run.aborted) {
    await markMissing(run, client, sources, options.removeAfterMissedRuns);
    run.markCompleted();
  }
  state.compact();
  return run.finalSummary(fetcher, sourceFetcher);
}

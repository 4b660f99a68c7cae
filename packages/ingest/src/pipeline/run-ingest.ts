import { createHash } from 'node:crypto';
import { decodeVector, encodeVector, type FindThisFit, type ListingStatus, NotFoundError } from '@find-this-fit/sdk';
import type { Logger } from 'pino';
import { FetchError } from '../fetcher/errors.js';
import type { PoliteFetcher } from '../fetcher/polite-fetcher.js';
import { type NormalizedListing, NormalizeError, type SourceAdapter } from '../sources/types.js';
import type { StateStore } from '../state/state-store.js';
import type { ItemState } from '../state/types.js';
import { BoundedQueue } from './bounded-queue.js';
import { checkImage, ImageRejectedError } from './image-check.js';
import type { RevalidatingFetcher } from './revalidating-fetcher.js';
import { bump, emptySummary, outcomeOf, type RunSummary, type SourceReport } from './summary.js';

export interface IngestDeps {
  client: FindThisFit;
  /** The SDK embedder or the worker-thread one: encoded image bytes in, L2-normalised vectors out. */
  embedder: { embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]> };
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

export interface IngestProgress {
  /** Listings fully handled (committed to server and state). */
  processed: number;
  /** Listings the sources say they hold, when they say. */
  total: number | undefined;
  fetched: number;
  embedded: number;
}

type Entry =
  | {
      kind: 'upsert';
      key: string;
      listing: NormalizedListing;
      fieldsHash: string;
      existing: ItemState | undefined;
      imageHash: string;
      vector?: Float32Array;
      bytes?: Buffer;
      id?: string;
    }
  | { kind: 'status'; key: string; existing: ItemState; status: ListingStatus }
  | { kind: 'seen'; key: string; counted: boolean }
  | { kind: 'checkpoint'; source: SourceAdapter; next: string | null };

export const itemKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

/** Hash of everything but the status (status changes go through `setStatus`, no vector needed). */
function fieldsHashOf(listing: NormalizedListing): string {
  const { status: _status, ...fields } = listing;
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

const reasonOf = (error: unknown): string =>
  error instanceof FetchError ? error.code : error instanceof Error ? error.name : 'unknown';

/** Starts a new run, or resumes the one a kill interrupted (same id, cursors where they were). */
function beginRun(state: StateStore, sources: SourceAdapter[]): { runId: number; resumed: boolean } {
  const previous = state.run;
  if (previous && !previous.completed) return { runId: previous.id, resumed: true };
  const runId = (previous?.id ?? 0) + 1;
  for (const source of sources) if (state.cursor(source.stateKey) !== undefined) state.setCursor(source.stateKey, null);
  state.setRun({ id: runId, startedAt: new Date().toISOString(), completed: false, sourcesDone: [] });
  state.commit();
  return { runId, resumed: false };
}

/**
 * One ingest run: crawl every source from its cursor, fetch and check images, embed in batches while the
 * next images download, upsert in batches, mark sold/removed listings, and checkpoint state after every
 * committed batch so a killed run resumes where it stopped.
 */
export async function runIngest(deps: IngestDeps, options: IngestOptions): Promise<RunSummary> {
  const { client, embedder, fingerprint, fetcher, state, sources, logger } = deps;
  for (const name of [
    'pageSize',
    'embedBatchSize',
    'upsertBatchSize',
    'maxImageBytes',
    'maxImagePixels',
    'removeAfterMissedRuns',
  ] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`runIngest: ${name} must be a positive integer, got ${value}.`);
  }
  if (sources.length === 0) throw new RangeError('runIngest: at least one source is needed.');
  if (typeof fingerprint !== 'string' || fingerprint === '') throw new TypeError('runIngest: fingerprint is required.');
  const started = performance.now();
  const { runId, resumed } = beginRun(state, sources);
  const summary = emptySummary(runId, resumed);
  if (resumed) logger.info({ runId }, `resuming interrupted run ${runId} from its saved cursors`);
  const now = () => new Date().toISOString();
  // Listings the interrupted part of a resumed run already committed: passed over without a count.
  const doneBeforeResume = new Set<string>();
  for (const [key, item] of Object.entries(state.data.items)) if (item.lastRun === runId) doneBeforeResume.add(key);
  const seenThisRun = new Set<string>();
  const totals = new Map<string, number>();
  let processed = 0;
  const progress = () =>
    options.onProgress?.({
      processed,
      total: totals.size > 0 ? [...totals.values()].reduce((a, b) => a + b, 0) : undefined,
      fetched: summary.fetched,
      embedded: summary.embedded,
    });

  const queue = new BoundedQueue<Entry>(options.queueSize ?? Math.max(16, options.embedBatchSize * 3));

  // ── producer: sources → listings → images ─────────────────────────────────────────────────────────
  const reuse = (key: string, listing: NormalizedListing, fieldsHash: string, existing: ItemState): Entry => {
    if (existing.fieldsHash === fieldsHash) {
      return existing.status === listing.status
        ? { kind: 'seen', key, counted: true }
        : { kind: 'status', key, existing, status: listing.status };
    }
    return {
      kind: 'upsert',
      key,
      listing,
      fieldsHash,
      existing,
      imageHash: existing.imageHash,
      vector: decodeVector(existing.vector),
    };
  };

  const classify = async (listing: NormalizedListing, key: string): Promise<Entry | undefined> => {
    const existing = state.item(key);
    const fieldsHash = fieldsHashOf(listing);
    const usable = existing && existing.fingerprint === fingerprint ? existing : undefined;
    if (usable && usable.listing.imageUrl === listing.imageUrl && !options.recheckImages) {
      return reuse(key, listing, fieldsHash, usable);
    }
    const cached = state.http(listing.imageUrl);
    const conditional = usable && cached?.hash === usable.imageHash ? cached : undefined;
    let response: Awaited<ReturnType<PoliteFetcher['fetch']>>;
    try {
      response = await fetcher.fetch(listing.imageUrl, {
        accept: 'image/avif,image/webp,image/jpeg,image/png,image/*;q=0.8',
        maxBytes: options.maxImageBytes,
        ...(conditional ? { conditional } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      bump(summary.failed, `image:${reasonOf(error)}`);
      logger.warn(
        { externalId: listing.externalId, source: listing.source, err: (error as Error).message },
        'image failed',
      );
      return existing ? { kind: 'seen', key, counted: false } : undefined;
    }
    if (response.notModified && usable) return reuse(key, listing, fieldsHash, usable);
    let checked: Awaited<ReturnType<typeof checkImage>>;
    try {
      checked = await checkImage(response.url, response.body, response.contentType, options.maxImagePixels);
    } catch (error) {
      if (!(error instanceof ImageRejectedError)) throw error;
      bump(summary.skipped, error.reason);
      logger.warn({ externalId: listing.externalId, source: listing.source, reason: error.reason }, error.message);
      return existing ? { kind: 'seen', key, counted: false } : undefined;
    }
    state.setHttp(listing.imageUrl, {
      ...(response.etag ? { etag: response.etag } : {}),
      ...(response.lastModified ? { lastModified: response.lastModified } : {}),
      hash: checked.hash,
    });
    if (usable && usable.imageHash === checked.hash) return reuse(key, listing, fieldsHash, usable);
    return { kind: 'upsert', key, listing, fieldsHash, existing, imageHash: checked.hash, bytes: checked.bytes };
  };

  const crawl = async (adapter: SourceAdapter): Promise<void> => {
    const report: SourceReport = { completed: false, pages: 0 };
    summary.sources[adapter.source] = report;
    if (state.run?.sourcesDone.includes(adapter.stateKey)) {
      report.completed = true;
      return;
    }
    const context = {
      fetcher: deps.sourceFetcher ?? fetcher,
      logger,
      pageSize: options.pageSize,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    try {
      for await (const page of adapter.pages(context, state.cursor(adapter.stateKey) ?? null)) {
        report.pages++;
        if (page.total !== undefined) totals.set(adapter.stateKey, page.total);
        for (const record of page.records) {
          summary.fetched++;
          if ('error' in record) {
            bump(summary.failed, `page:${reasonOf(record.error)}`);
            logger.warn({ ref: record.ref, err: record.error.message }, 'record could not be fetched');
            continue;
          }
          let listing: NormalizedListing;
          try {
            listing = adapter.normalize(record.payload);
            deps.sourceFetcher?.confirm(record.ref);
          } catch (error) {
            if (!(error instanceof NormalizeError)) throw error;
            deps.sourceFetcher?.unconfirm(record.ref);
            bump(summary.skipped, `normalize:${error.field}`);
            logger.warn({ ref: record.ref, field: error.field }, `record skipped: ${error.message}`);
            continue;
          }
          const key = itemKey(listing.source, listing.externalId);
          if (doneBeforeResume.delete(key)) {
            seenThisRun.add(key);
            continue;
          }
          if (seenThisRun.has(key)) {
            bump(summary.skipped, 'duplicate');
            continue;
          }
          seenThisRun.add(key);
          const entry = await classify(listing, key);
          if (entry) await queue.push(entry);
        }
        await queue.push({ kind: 'checkpoint', source: adapter, next: page.next });
      }
      report.completed = true;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      report.error = (error as Error).message;
      report.reason = reasonOf(error);
      summary.stopped.push({ source: adapter.source, reason: `${report.reason}: ${report.error}` });
      bump(summary.failed, `source:${report.reason}`);
      logger.error(
        { source: adapter.source, err: report.error },
        `source ${adapter.source} stopped: ${report.error}; the run goes on`,
      );
    }
  };

  // ── consumer: embed batches, upsert, checkpoint ─────────────────────────────────────────────────
  const embedAll = async (entries: Array<Extract<Entry, { kind: 'upsert' }>>): Promise<void> => {
    const images = entries.map((e) => e.bytes as Buffer);
    let vectors: Float32Array[] | undefined;
    const started = performance.now();
    try {
      vectors = await embedder.embedImages(images);
      summary.timings.embedMs += performance.now() - started;
    } catch {
      vectors = undefined; // one bad image spoils the batch: embed one by one to find it
    }
    for (const [i, entry] of entries.entries()) {
      let vector = vectors?.[i];
      if (!vector) {
        try {
          [vector] = await embedder.embedImages([images[i] as Buffer]);
        } catch (error) {
          bump(summary.skipped, 'undecodable_image');
          logger.warn(
            { externalId: entry.listing.externalId, err: (error as Error).message },
            'image could not be embedded',
          );
          continue;
        }
      }
      if (!vector) continue;
      entry.vector = vector;
      entry.bytes = undefined as unknown as Buffer;
      summary.embedded++;
    }
  };

  const commit = async (batch: Entry[]): Promise<void> => {
    const upserts = batch.filter(
      (e): e is Extract<Entry, { kind: 'upsert' }> => e.kind === 'upsert' && e.vector !== undefined,
    );
    if (upserts.length > 0) {
      const response = await client.items.upsert(
        upserts.map((e) => ({ ...e.listing, imageHash: e.imageHash, vector: e.vector as Float32Array })),
        { model: fingerprint, batchSize: options.upsertBatchSize },
      );
      response.ids.forEach((id, i) => {
        (upserts[i] as { id?: string }).id = id;
      });
    }
    const at = now();
    for (const entry of batch) {
      switch (entry.kind) {
        case 'upsert': {
          if (entry.id === undefined || entry.vector === undefined) break;
          const { existing, listing } = entry;
          state.putItem(entry.key, {
            id: entry.id,
            listing,
            fieldsHash: entry.fieldsHash,
            status: listing.status,
            imageHash: entry.imageHash,
            fingerprint,
            vector: encodeVector(entry.vector),
            firstSeen: existing?.firstSeen ?? at,
            lastSeen: at,
            lastRun: runId,
            missed: 0,
          });
          if (existing) summary.updated++;
          else summary.new++;
          // A listing first seen already sold is stored sold too: it counts (the summary once said 0 here).
          if (listing.status === 'sold' && existing?.status !== 'sold') summary.sold++;
          processed++;
          break;
        }
        case 'status': {
          try {
            await client.items.setStatus(entry.existing.id, entry.status);
            state.patchItem(entry.key, { status: entry.status, lastSeen: at, lastRun: runId, missed: 0 });
            summary.updated++;
            if (entry.status === 'sold') summary.sold++;
          } catch (error) {
            if (!(error instanceof NotFoundError)) throw error;
            state.deleteItem(entry.key); // the server lost it: next run ingests it afresh
            bump(summary.failed, 'status:not_found');
          }
          processed++;
          break;
        }
        case 'seen':
          state.patchItem(entry.key, { lastSeen: at, lastRun: runId, missed: 0 });
          if (entry.counted) summary.unchanged++;
          processed++;
          break;
        case 'checkpoint': {
          state.setCursor(entry.source.stateKey, entry.next);
          if (entry.next === null) {
            const run = state.run;
            if (run && !run.sourcesDone.includes(entry.source.stateKey)) {
              state.setRun({ ...run, sourcesDone: [...run.sourcesDone, entry.source.stateKey] });
            }
          }
          break;
        }
      }
    }
    state.commit();
    progress();
  };

  const consume = async (): Promise<void> => {
    let pending: Entry[] = [];
    let toEmbed = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      const batch = pending;
      pending = [];
      toEmbed = 0;
      const needs = batch.filter(
        (e): e is Extract<Entry, { kind: 'upsert' }> => e.kind === 'upsert' && e.bytes !== undefined,
      );
      if (needs.length > 0) await embedAll(needs);
      // The previous batch's upsert ran while we embedded this one; wait for it before starting the next.
      const waitStart = performance.now();
      await inFlight;
      summary.timings.upsertWaitMs += performance.now() - waitStart;
      inFlight = commit(batch);
      inFlight.catch(() => {}); // surfaced by the next await
    };
    for (;;) {
      const waitStart = performance.now();
      const entry = await queue.shift();
      summary.timings.starvedMs += performance.now() - waitStart;
      if (entry === undefined) break;
      pending.push(entry);
      if (entry.kind === 'upsert' && entry.bytes) toEmbed++;
      const full = toEmbed >= options.embedBatchSize || pending.length >= options.upsertBatchSize;
      // Don't sit on a partial batch when nothing else is coming soon (keeps checkpoints frequent).
      if (full || (queue.size === 0 && toEmbed === 0)) await flush();
    }
    if (pending.length > 0) await flush();
    await inFlight;
  };

  const consumer = consume();
  consumer.catch(() => queue.close());
  try {
    for (const adapter of sources) {
      if (options.signal?.aborted) break;
      try {
        await crawl(adapter);
      } catch (error) {
        // Stopped (Ctrl-C, scheduler stop): let the consumer commit what it has; the run stays resumable.
        if (options.signal?.aborted) break;
        throw error;
      }
    }
  } finally {
    queue.close();
  }
  await consumer;

  if (!options.signal?.aborted) {
    await markMissing(deps, options, runId, summary);
    const run = state.run;
    const stopped = summary.stopped.map((s) => s.source);
    if (run) state.setRun({ ...run, completed: true, finishedAt: now(), outcome: outcomeOf(summary.sources), stopped });
  }
  state.compact();
  for (const [host, reason] of fetcher.openCircuits) summary.openCircuits[host] = reason;
  summary.outcome = outcomeOf(summary.sources);
  if (deps.sourceFetcher) Object.assign(summary, deps.sourceFetcher.stats);
  summary.durationMs = Math.round(performance.now() - started);
  for (const key of ['embedMs', 'starvedMs', 'upsertWaitMs'] as const)
    summary.timings[key] = Math.round(summary.timings[key]);
  const handled = summary.new + summary.updated + summary.unchanged;
  summary.itemsPerSecond = summary.durationMs > 0 ? handled / (summary.durationMs / 1000) : 0;
  return summary;
}

/** Listings of fully crawled sources that this run did not see: one more miss; at N misses, `removed`. */
async function markMissing(deps: IngestDeps, options: IngestOptions, runId: number, summary: RunSummary) {
  const { state, client, sources, logger } = deps;
  const complete = new Set(sources.filter((s) => summary.sources[s.source]?.completed).map((s) => s.source));
  for (const [key, item] of Object.entries(state.data.items)) {
    if (!complete.has(item.listing.source) || item.lastRun === runId || item.missedRun === runId) continue;
    if (item.status === 'removed') continue;
    const missed = item.missed + 1;
    if (missed >= options.removeAfterMissedRuns) {
      try {
        await client.items.setStatus(item.id, 'removed');
        state.patchItem(key, { missed, missedRun: runId, status: 'removed' });
        summary.removed++;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        state.deleteItem(key);
      }
      logger.info({ source: item.listing.source, externalId: item.listing.externalId, missed }, 'listing removed');
    } else {
      state.patchItem(key, { missed, missedRun: runId });
    }
  }
  state.commit();
}

import { encodeVector, type FindThisFit } from '@find-this-fit/sdk';
import type { Logger } from 'pino';
import { FetchError } from '../fetcher/errors.js';
import type { PoliteFetcher } from '../fetcher/polite-fetcher.js';
import type { StateStore } from '../state/state-store.js';
import type { ItemState } from '../state/types.js';
import { type CheckedImage, checkImage, ImageRejectedError } from './image-check.js';
import type { IngestProgress } from './run-ingest.js';
import { bump } from './summary.js';

export interface ReembedSummary {
  /** Listings whose vector was already from the server's model (done earlier, or by a resumed run). */
  alreadyCurrent: number;
  reembedded: number;
  /** Removed listings are not re-embedded (they come back through `run` if they reappear). */
  skippedRemoved: number;
  failed: Record<string, number>;
  durationMs: number;
}

export interface ReembedDeps {
  client: FindThisFit;
  /** The SDK embedder or the worker-thread one: encoded image bytes in, L2-normalised vectors out. */
  embedder: { embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]> };
  fingerprint: string;
  fetcher: PoliteFetcher;
  state: StateStore;
  logger: Logger;
}

export interface ReembedOptions {
  embedBatchSize: number;
  upsertBatchSize: number;
  maxImageBytes: number;
  maxImagePixels: number;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

/**
 * Re-embeds every stored listing whose vector came from another model, in batches: download the images of
 * batch N+1 while batch N is embedded, upsert, record the new fingerprint per listing. Killed half-way, a
 * rerun picks up the listings still on the old fingerprint: resumable without any cursor.
 */
export async function reembedAll(deps: ReembedDeps, options: ReembedOptions): Promise<ReembedSummary> {
  const { client, embedder, fingerprint, fetcher, state, logger } = deps;
  for (const name of ['embedBatchSize', 'upsertBatchSize', 'maxImageBytes', 'maxImagePixels'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`reembedAll: ${name} must be a positive integer, got ${value}.`);
  }
  const started = performance.now();
  const summary: ReembedSummary = { alreadyCurrent: 0, reembedded: 0, skippedRemoved: 0, failed: {}, durationMs: 0 };
  const todo: Array<[string, ItemState]> = [];
  for (const [key, item] of Object.entries(state.data.items).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (item.fingerprint === fingerprint) summary.alreadyCurrent++;
    else if (item.status === 'removed') summary.skippedRemoved++;
    else todo.push([key, item]);
  }
  logger.info({ todo: todo.length, alreadyCurrent: summary.alreadyCurrent, fingerprint }, 're-embedding');

  const download = async (batch: Array<[string, ItemState]>) => {
    const out: Array<{ key: string; item: ItemState; image: CheckedImage }> = [];
    for (const [key, item] of batch) {
      if (options.signal?.aborted) break;
      try {
        const response = await fetcher.fetch(item.listing.imageUrl, {
          accept: 'image/*',
          maxBytes: options.maxImageBytes,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        out.push({
          key,
          item,
          image: await checkImage(response.url, response.body, response.contentType, options.maxImagePixels),
        });
      } catch (error) {
        if (options.signal?.aborted) break;
        const reason =
          error instanceof ImageRejectedError ? error.reason : error instanceof FetchError ? error.code : 'error';
        bump(summary.failed, reason);
        logger.warn({ externalId: item.listing.externalId, err: (error as Error).message }, 're-embed: image failed');
      }
    }
    return out;
  };

  const batches: Array<Array<[string, ItemState]>> = [];
  for (let i = 0; i < todo.length; i += options.embedBatchSize) batches.push(todo.slice(i, i + options.embedBatchSize));
  let next = batches[0] ? download(batches[0]) : undefined;
  let processed = 0;
  for (let b = 0; b < batches.length && next; b++) {
    const ready = await next;
    next =
      batches[b + 1] && !options.signal?.aborted ? download(batches[b + 1] as Array<[string, ItemState]>) : undefined;
    if (ready.length === 0) continue;
    const vectors = await embedder.embedImages(ready.map((r) => r.image.bytes));
    const response = await client.items.upsert(
      ready.map((r, i) => ({ ...r.item.listing, imageHash: r.image.hash, vector: vectors[i] as Float32Array })),
      { model: fingerprint, batchSize: options.upsertBatchSize },
    );
    ready.forEach((r, i) => {
      state.putItem(r.key, {
        ...r.item,
        id: response.ids[i] as string,
        imageHash: r.image.hash,
        fingerprint,
        vector: encodeVector(vectors[i] as Float32Array),
      });
    });
    state.commit();
    summary.reembedded += ready.length;
    processed += batches[b]?.length ?? 0;
    options.onProgress?.({ processed, total: todo.length, fetched: processed, embedded: summary.reembedded });
  }
  await next?.catch(() => undefined);
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

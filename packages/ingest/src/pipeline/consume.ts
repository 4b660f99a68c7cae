import type { BoundedQueue } from './bounded-queue.js';
import type { Entry, UpsertEntry } from './entry.js';
import type { IngestRun } from './ingest-run.js';

export interface ConsumeOptions {
  /** Images per embedding call. */
  embedBatchSize: number;
  /** Entries per committed batch. */
  upsertBatchSize: number;
}

/** The two stages the consumer drives, in order, for each batch. */
export interface BatchStages {
  embed(entries: UpsertEntry[]): Promise<void>;
  commit(batch: Entry[]): Promise<void>;
}

const needsEmbedding = (e: Entry): e is UpsertEntry => e.kind === 'upsert' && e.bytes !== undefined;

/**
 * The consumer side of a run: takes entries off the queue in crawl order, cuts them into batches (full when
 * it holds `embedBatchSize` images or `upsertBatchSize` entries, or early when nothing else is waiting), embeds
 * each batch while the previous one is still being committed, and commits batches one after another in order.
 * The summary's timings say where it waited. Resolves once the queue is closed and drained and every batch is
 * committed; a failed commit rejects it.
 */
export async function consumeEntries(
  run: IngestRun,
  queue: BoundedQueue<Entry>,
  options: ConsumeOptions,
  stages: BatchStages,
): Promise<void> {
  const { timings } = run.summary;
  let pending: Entry[] = [];
  let toEmbed = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = pending;
    pending = [];
    toEmbed = 0;
    const needs = batch.filter(needsEmbedding);
    if (needs.length > 0) await stages.embed(needs);
    // The previous batch's upsert ran while we embedded this one; wait for it before starting the next.
    const waitStart = performance.now();
    await inFlight;
    timings.upsertWaitMs += performance.now() - waitStart;
    inFlight = stages.commit(batch);
    inFlight.catch(() => {}); // surfaced by the next await
  };
  for (;;) {
    const waitStart = performance.now();
    const entry = await queue.shift();
    timings.starvedMs += performance.now() - waitStart;
    if (entry === undefined) break;
    pending.push(entry);
    if (needsEmbedding(entry)) toEmbed++;
    const full = toEmbed >= options.embedBatchSize || pending.length >= options.upsertBatchSize;
    // Don't sit on a partial batch when nothing else is coming soon (keeps checkpoints frequent).
    if (full || (queue.size === 0 && toEmbed === 0)) await flush();
  }
  if (pending.length > 0) await flush();
  await inFlight;
}

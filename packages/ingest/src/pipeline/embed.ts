import type { UpsertEntry } from './entry.js';
import type { IngestRun } from './ingest-run.js';
import { bump } from './summary.js';

/** The SDK embedder or the worker-thread one: encoded image bytes in, L2-normalised vectors out. */
export interface ImageEmbedder {
  embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]>;
}

/**
 * The embed stage: one embedding call for the batch's images; each embedded entry gets its `vector` and drops
 * its `bytes` (memory stays flat). One undecodable image spoils a batch call, so on failure the images are
 * embedded one by one and only the bad ones are skipped (left without a vector, counted `undecodable_image`).
 */
export async function embedEntries(
  run: IngestRun,
  embedder: ImageEmbedder,
  entries: readonly UpsertEntry[],
): Promise<void> {
  const { summary, logger } = run;
  const images = entries.map((entry) => {
    if (!entry.bytes) throw new TypeError(`embedEntries: entry ${entry.key} has no image bytes.`);
    return entry.bytes;
  });
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
    delete entry.bytes;
    summary.embedded++;
  }
}

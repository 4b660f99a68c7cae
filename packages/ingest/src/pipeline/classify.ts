import { decodeVector } from '@find-this-fit/sdk';
import type { FetchResult, PoliteFetcher } from '../fetcher/polite-fetcher.js';
import type { NormalizedListing } from '../sources/types.js';
import type { ItemState } from '../state/types.js';
import { type Entry, fieldsHashOf, reasonOf } from './entry.js';
import { type CheckedImage, checkImage, ImageRejectedError } from './image-check.js';
import type { IngestRun } from './ingest-run.js';
import { bump } from './summary.js';

export interface ClassifyOptions {
  /** Downloads the images (conditional GET when the state has validators). */
  fetcher: Pick<PoliteFetcher, 'fetch'>;
  maxImageBytes: number;
  maxImagePixels: number;
  /** Re-download (conditional GET) every image, not only those of changed listings. */
  recheckImages: boolean;
}

const IMAGE_ACCEPT = 'image/avif,image/webp,image/jpeg,image/png,image/*;q=0.8';

/** A known listing whose image is unchanged: nothing to do, a status change, or an upsert with the stored vector. */
function reuse(key: string, listing: NormalizedListing, fieldsHash: string, existing: ItemState): Entry {
  if (existing.fieldsHash === fieldsHash) {
    return existing.status === listing.status
      ? { kind: 'seen', key, counted: true }
      : { kind: 'status', key, existing, status: listing.status };
  }
  const vector = decodeVector(existing.vector);
  return { kind: 'upsert', key, listing, fieldsHash, existing, imageHash: existing.imageHash, vector };
}

/**
 * The classify stage: compares one listing with what the state remembers and, when its image may have
 * changed, fetches and checks the image. Returns what the later stages must do, or `undefined` for a new
 * listing whose image failed (counted in the summary). A failed image of a known listing keeps it (`seen`,
 * not counted) so it is not marked missing.
 */
export async function classifyListing(
  run: IngestRun,
  options: ClassifyOptions,
  listing: NormalizedListing,
  key: string,
): Promise<Entry | undefined> {
  const { state, summary, logger } = run;
  const existing = state.item(key);
  const fieldsHash = fieldsHashOf(listing);
  const usable = existing && existing.fingerprint === run.fingerprint ? existing : undefined;
  if (usable && usable.listing.imageUrl === listing.imageUrl && !options.recheckImages) {
    return reuse(key, listing, fieldsHash, usable);
  }
  const cached = state.http(listing.imageUrl);
  const conditional = usable && cached?.hash === usable.imageHash ? cached : undefined;
  let response: FetchResult;
  try {
    response = await options.fetcher.fetch(listing.imageUrl, {
      accept: IMAGE_ACCEPT,
      maxBytes: options.maxImageBytes,
      ...(conditional ? { conditional } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
    });
  } catch (error) {
    if (run.aborted) throw error;
    bump(summary.failed, `image:${reasonOf(error)}`);
    logger.warn(
      { externalId: listing.externalId, source: listing.source, err: (error as Error).message },
      'image failed',
    );
    return existing ? { kind: 'seen', key, counted: false } : undefined;
  }
  if (response.notModified && usable) return reuse(key, listing, fieldsHash, usable);
  let checked: CheckedImage;
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
}

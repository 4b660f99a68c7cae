import type { ListingStatus } from '@find-this-fit/sdk';
import sharp from 'sharp';
import { IngestRun, type IngestRunOptions } from '../../src/pipeline/ingest-run.js';
import type { NormalizedListing, SourceAdapter } from '../../src/sources/types.js';
import { StateStore } from '../../src/state/state-store.js';
import { memoryLogger } from '../helpers/fetcher.js';
import { tempDir } from '../helpers/stack.js';

/** A real state store in a temp dir and a run begun on it, with a log the test can read. */
export function openRun(fingerprint = 'fp-test', sources: SourceAdapter[] = [], extra: Partial<IngestRunOptions> = {}) {
  const dir = tempDir('ftf-ingest-stage-');
  const state = StateStore.open(dir.path);
  const { logger, lines } = memoryLogger();
  const run = IngestRun.begin(state, sources, { fingerprint, logger, ...extra });
  return {
    run,
    state,
    lines,
    dir: dir.path,
    /** Begins the next run on the same state (after `run.markCompleted()`, or a resume when not). */
    next: (options: Partial<IngestRunOptions> = {}) =>
      IngestRun.begin(state, sources, { fingerprint, logger, ...extra, ...options }),
    close: () => {
      state.close();
      dir.remove();
    },
  };
}

export function listing(externalId: string, fields: Partial<NormalizedListing> = {}): NormalizedListing {
  return {
    source: 'stage-test',
    externalId,
    title: `Listing ${externalId}`,
    url: `https://shop.example/p/${externalId}`,
    imageUrl: `https://shop.example/i/${externalId}.png`,
    status: 'active' as ListingStatus,
    ...fields,
  };
}

/** A small real PNG of one colour (different colours → different bytes and hashes). */
export const png = (r: number, g = 40, b = 90, size = 32): Promise<Buffer> =>
  sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

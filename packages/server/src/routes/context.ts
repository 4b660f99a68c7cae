import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { NotFoundError } from '../errors.js';
import type { ImageEmbedder } from '../image-embedder.js';
import type { AppMetrics } from '../metrics.js';
import type { Schemas } from '../schemas.js';
import type { Store } from '../store/types.js';
import type { WorkQueue } from '../work-queue.js';

/** What every route module needs, built once per app. */
export interface RouteDeps {
  store: Store;
  config: Config;
  logger: Logger;
  metrics: AppMetrics;
  schemas: Schemas;
  embedder: ImageEmbedder;
  /** Decoding and embedding uploaded images: bounded concurrency and waiting (503 past it). */
  imageWork: WorkQueue;
}

const MAX_ID = 9_223_372_036_854_775_807n; // bigint column

/** A listing id in a path, as the spec describes it (`parseId` below decides; anything else is a 404). */
export const LISTING_ID_PARAM = { type: 'string', pattern: '^\\d+$' };

/** Listing ids are digit strings; anything else cannot exist, so it is a 404 rather than a database error. */
export function parseId(raw: string | undefined): string {
  if (raw === undefined || !/^\d{1,19}$/.test(raw) || BigInt(raw) > MAX_ID) {
    throw new NotFoundError(`No listing with id ${JSON.stringify((raw ?? '').slice(0, 40))}.`);
  }
  return BigInt(raw).toString(); // canonical: no leading zeros
}

import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateCatalogue, renderListingImage } from '@find-this-fit/fixture-marketplace';
import { SET_JSONL } from '../labelled-set/read-set.js';
import { seededRandom } from './random.js';
import { transformQuery } from './transform-query.js';

export interface MakeFixtureSetOptions {
  /** Listings in the gallery (1..100 000). Default 200. */
  count?: number;
  /** Queries, one per listing from the first (1..count). Default: count. */
  queries?: number;
  /** Catalogue and transform seed. Default 7. */
  seed?: number;
  /** Gallery photo width in pixels (32..2048). Default 640, what the marketplace links. */
  width?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface FixtureSetSummary {
  dir: string;
  file: string;
  gallery: number;
  queries: number;
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * Writes a labelled set built from the fixture marketplace into `dir` (which must be empty or absent):
 * `gallery/<key>.jpg` (each listing's photo), `queries/<key>.jpg` (a transformed copy: crop, rotation,
 * colour jitter, busy background, JPEG re-encode) and `set.jsonl` naming, per query, its listing and the
 * box where the listing photo landed.
 */
export async function makeFixtureSet(dir: string, options: MakeFixtureSetOptions = {}): Promise<FixtureSetSummary> {
  const count = checkInt('count', options.count ?? 200, 1, 100_000);
  const queryCount = checkInt('queries', options.queries ?? count, 1, count);
  const seed = checkInt('seed', options.seed ?? 7, 0, 2 ** 31 - 1);
  const width = checkInt('width', options.width ?? 640, 32, 2048);
  const root = resolve(dir);
  if (existsSync(root) && (await readdir(root)).length > 0) {
    throw new Error(`${root} is not empty: give a new or empty folder`);
  }
  await mkdir(join(root, 'gallery'), { recursive: true });
  await mkdir(join(root, 'queries'), { recursive: true });
  const listings = generateCatalogue({ count, seed });
  const lines: string[] = [];
  const queryLines: string[] = [];
  let done = 0;
  // Two at a time: sharp already uses a thread pool, and the machines this runs on are small.
  const work = listings.map((listing, i) => async () => {
    const photo = await renderListingImage(listing, { width });
    await writeFile(join(root, 'gallery', `${listing.key}.jpg`), photo);
    lines[i] = JSON.stringify({ gallery: `gallery/${listing.key}.jpg`, item: listing.key });
    if (i < queryCount) {
      const { jpeg, bbox } = await transformQuery(photo, seededRandom(seed * 1_000_003 + i));
      await writeFile(join(root, 'queries', `${listing.key}.jpg`), jpeg);
      queryLines[i] = JSON.stringify({
        query: `queries/${listing.key}.jpg`,
        items: [listing.key],
        bbox: [bbox.x1, bbox.y1, bbox.x2, bbox.y2],
      });
    }
    options.onProgress?.(++done, listings.length);
  });
  const runNext = async (): Promise<void> => {
    const job = work.shift();
    if (!job) return;
    await job();
    return runNext();
  };
  await Promise.all([runNext(), runNext()]);
  const file = join(root, SET_JSONL);
  await writeFile(file, `${[...lines, ...queryLines.filter(Boolean)].join('\n')}\n`);
  return { dir: root, file, gallery: listings.length, queries: queryCount };
}

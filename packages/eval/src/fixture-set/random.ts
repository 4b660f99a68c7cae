import { createRandom } from '@find-this-fit/fixture-marketplace';

/** mulberry32 (the fixture marketplace's generator), so a generated set is the same bytes on every machine. */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next;
}

/** Uniform in [min, max). */
export const between = (rand: () => number, min: number, max: number) => min + (max - min) * rand();

/**
 * Seeded synthetic embeddings for the store tests and the benchmarks (store and HTTP). Clustered, like real
 * image embeddings (many near neighbours per query), not uniform noise (where every point is equally far
 * and HNSW recall means little).
 */

/** Small fast seeded PRNG (mulberry32): same seed, same data, on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}

export interface ClusteredOptions {
  dim: number;
  clusters?: number;
  /** Noise scale relative to a unit centre: 0.5 gives neighbours at cosine ≈ 0.8. */
  noise?: number;
  seed?: number;
}

/**
 * An endless source of unit vectors: a random Gaussian centre (of `clusters`) plus Gaussian noise,
 * normalised. `next()` gives data points; `query()` gives fresh points from the same distribution.
 */
export function clusteredVectors({ dim, clusters = 1000, noise = 0.5, seed = 42 }: ClusteredOptions) {
  const random = seededRandom(seed);
  const gauss = gaussian(random);
  const centres: Float32Array[] = [];
  for (let c = 0; c < clusters; c++) {
    const centre = new Float32Array(dim);
    for (let i = 0; i < dim; i++) centre[i] = gauss();
    centres.push(normalize(centre));
  }
  const scale = noise / Math.sqrt(dim);
  const next = (): Float32Array => {
    const centre = centres[Math.floor(random() * clusters)] as Float32Array;
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = (centre[i] as number) + gauss() * scale;
    return normalize(v);
  };
  return { next, query: next, random };
}

/** |approx ∩ exact| / |exact| for one query; 1 when exact is empty. */
export function recall(approx: readonly string[], exact: readonly string[]): number {
  if (exact.length === 0) return 1;
  const truth = new Set(exact);
  return approx.filter((id) => truth.has(id)).length / exact.length;
}

export function meanRecall(pairs: ReadonlyArray<{ approx: readonly string[]; exact: readonly string[] }>): number {
  return pairs.reduce((sum, p) => sum + recall(p.approx, p.exact), 0) / Math.max(1, pairs.length);
}

/** Nearest-rank percentile of a list of numbers (e.g. latencies in ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

import { DimensionMismatchError, InvalidVectorError } from './errors.js';

/**
 * Returns a unit-length copy of `vector` (L2). transformers.js does not normalise model outputs,
 * and cosine similarity in the store assumes unit vectors, so every vector we produce goes through here.
 * @throws {InvalidVectorError} for a zero, NaN or infinite vector.
 * @throws {DimensionMismatchError} when `expectedDim` is given and differs.
 */
export function l2Normalize(vector: ArrayLike<number>, expectedDim?: number): Float32Array {
  if (expectedDim !== undefined && vector.length !== expectedDim) {
    throw new DimensionMismatchError(expectedDim, vector.length, 'l2Normalize');
  }
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i] as number;
    sumOfSquares += x * x;
  }
  if (!Number.isFinite(sumOfSquares)) throw new InvalidVectorError('Vector has NaN or infinite components.');
  if (sumOfSquares === 0) throw new InvalidVectorError('Cannot normalise an all-zero vector.');
  const scale = 1 / Math.sqrt(sumOfSquares);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) * scale;
  return out;
}

/** Cosine similarity of two vectors of equal length (does not assume unit length). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new DimensionMismatchError(a.length, b.length, 'cosineSimilarity');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

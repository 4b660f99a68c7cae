/** Cosine similarity at or above which a lower-ranked hit counts as a near-duplicate of a better one. */
export const DUPLICATE_COSINE = 0.98;

/** Both vectors are unit length (the store returns normalised vectors), so the dot product is the cosine. */
export function isNearDuplicate(vector: Float32Array, kept: readonly Float32Array[]): boolean {
  for (const other of kept) {
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += (vector[i] as number) * (other[i] as number);
    if (dot >= DUPLICATE_COSINE) return true;
  }
  return false;
}

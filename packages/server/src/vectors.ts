import {
  decodeVector,
  describeFingerprint,
  type ModelPreset,
  VectorFormatError,
  type VectorInput,
} from '@find-this-fit/sdk';
import { InvalidRequestError, ModelMismatchError } from './errors.js';

/**
 * Decodes a wire vector and checks it can be compared with the index: right dimension, every
 * component finite, not all zero. Returns it L2-normalised. `field` prefixes error names (`items[3].vector`).
 */
export function toUnitVector(input: VectorInput, dim: number, field = 'vector'): Float32Array {
  let vector: Float32Array;
  try {
    vector = decodeVector(input);
  } catch (error) {
    if (error instanceof VectorFormatError) {
      const sub = error.field.replace(/^vector/, field);
      throw InvalidRequestError.field(sub, error.message);
    }
    throw error;
  }
  if (vector.length !== dim) {
    throw InvalidRequestError.field(field, `expected ${dim} numbers (the model's dimension), got ${vector.length}`);
  }
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i] as number;
    // float32 overflow (a JSON number like 1e39) and float16 Inf/NaN both land here.
    if (!Number.isFinite(x)) throw InvalidRequestError.field(`${field}[${i}]`, 'must be a finite number');
    sum += x * x;
  }
  if (sum === 0 || !Number.isFinite(sum)) {
    throw InvalidRequestError.field(field, sum === 0 ? 'must not be all zeros' : 'is too large to normalise');
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) * scale;
  return vector;
}

/** "siglip-b16 (Xenova/siglip-base-patch16-224, q8, 768-d)", or the raw fingerprint of an unknown model. */
function labelOf(fingerprint: string): string {
  const known = describeFingerprint(fingerprint);
  return known ? `${known.label} [${fingerprint}]` : `an unknown model [${fingerprint.slice(0, 80)}]`;
}

/** 409 unless the vectors come from the index's model; the message names both models. */
export function assertSameModel(received: string, index: { fingerprint: string; preset: ModelPreset }, what: string) {
  if (received === index.fingerprint) return;
  const p = index.preset;
  const ours = describeFingerprint(index.fingerprint)
    ? labelOf(index.fingerprint)
    : `${p.name} (${p.modelId}, ${p.dtype}, ${p.dim}-d) [${index.fingerprint}]`;
  throw new ModelMismatchError(
    `${what} come from ${labelOf(received)} but this index holds ${ours}. Load the model GET /v1/info names.`,
    { expected: index.fingerprint, received },
  );
}

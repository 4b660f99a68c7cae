import {
  decodeVector,
  describeFingerprint,
  type ModelPreset,
  queryFingerprints,
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

/** "fashion-siglip (Marqo/marqo-fashionSigLIP, q8, 768-d)", or the raw fingerprint of an unknown model. */
function labelOf(fingerprint: string): string {
  const known = describeFingerprint(fingerprint);
  return known ? `${known.label} [${fingerprint}]` : `an unknown model [${fingerprint.slice(0, 80)}]`;
}

interface IndexModel {
  fingerprint: string;
  preset: ModelPreset;
}

function mismatch(received: string, index: IndexModel, what: string, accepted: readonly string[]) {
  const p = index.preset;
  const ours = describeFingerprint(index.fingerprint)
    ? labelOf(index.fingerprint)
    : `${p.name} (${p.modelId}, ${p.dtype}, ${p.dim}-d) [${index.fingerprint}]`;
  const others = queryDtypesOf(index).slice(1);
  const hint =
    accepted.length > 1 && others.length > 0
      ? ` (queries may also be embedded in ${others.map((q) => q.dtype).join(' or ')}, as /v1/info lists)`
      : '';
  return new ModelMismatchError(
    `${what} come from ${labelOf(received)} but this index holds ${ours}. Load the model GET /v1/info names${hint}.`,
    { expected: index.fingerprint, received },
  );
}

const queryDtypeCache = new WeakMap<IndexModel, ReturnType<typeof queryFingerprints>>();

/**
 * The dtypes a query may be embedded with against this index, each with its fingerprint, the index's own first:
 * the preset's parity-tested query dtypes (e.g. fp16/fp32 for WebGPU clients of a q8 index).
 */
export function queryDtypesOf(index: IndexModel): ReturnType<typeof queryFingerprints> {
  let list = queryDtypeCache.get(index);
  if (!list) {
    // The index's fingerprint is the config's (a custom preset's differs from a recomputed one only if the
    // preset object was edited after start), so the first entry always names it.
    list = queryFingerprints(index.preset).map((q, i) => (i === 0 ? { ...q, fingerprint: index.fingerprint } : q));
    queryDtypeCache.set(index, list);
  }
  return list;
}

/** 409 unless the vectors come from the index's model at the index's dtype; the message names both models. */
export function assertSameModel(received: string, index: IndexModel, what: string) {
  if (received === index.fingerprint) return;
  throw mismatch(received, index, what, [index.fingerprint]);
}

/**
 * 409 unless a query vector comes from the index's model at the index's dtype or at one of the dtypes its preset
 * admits for queries (each admitted by a parity test, cosine ≥ 0.99); anything else would compare unlike vectors.
 */
export function assertQueryModel(received: string, index: IndexModel, what = 'Query vectors') {
  const accepted = queryDtypesOf(index).map((q) => q.fingerprint);
  if (accepted.includes(received)) return;
  throw mismatch(received, index, what, accepted);
}

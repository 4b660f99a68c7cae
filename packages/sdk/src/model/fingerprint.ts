import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { getPreset, type ModelDtype, type ModelPreset, PRESETS } from './presets.js';

/** Bump when the meaning of a fingerprint changes (e.g. a new contract field). */
const FINGERPRINT_VERSION = 1;

/** JSON with sorted keys, so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The preset fields that decide the vector a photo becomes (labels such as `description` are excluded). */
function contractFields(preset: ModelPreset) {
  return {
    v: FINGERPRINT_VERSION,
    name: preset.name,
    modelId: preset.modelId,
    revision: preset.revision,
    family: preset.family,
    dim: preset.dim,
    dtype: preset.dtype,
    imageSize: preset.imageSize,
    preprocess: preset.preprocess,
    text: preset.text,
    normalization: 'l2',
  };
}

/**
 * A short, stable identifier of a preset plus its preprocessing, e.g. `siglip-b16.q8.3f9a0c1d2e4b`.
 * It travels with every query and every stored vector; vectors are comparable only when equal.
 */
export function fingerprintOf(preset: ModelPreset): string {
  const hash = bytesToHex(sha256(utf8ToBytes(canonicalJson(contractFields(preset))))).slice(0, 12);
  return `${preset.name}.${preset.dtype}.${hash}`;
}

const FINGERPRINT_PATTERN = /^[a-z0-9][a-z0-9-]*\.[a-z0-9]+\.[0-9a-f]{12}$/;

/** True when `value` has the shape of a fingerprint (not whether the model is known). */
export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT_PATTERN.test(value);
}

const ALL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];

/**
 * Names the built-in preset (and dtype) a fingerprint belongs to, for error messages such as a
 * 409 model mismatch; `undefined` for a custom model.
 */
export function describeFingerprint(fingerprint: string): { preset: ModelPreset; label: string } | undefined {
  for (const name of Object.keys(PRESETS)) {
    for (const dtype of ALL_DTYPES) {
      const preset = getPreset(name, { dtype });
      if (fingerprintOf(preset) === fingerprint) {
        return { preset, label: `${preset.name} (${preset.modelId}, ${dtype}, ${preset.dim}-d)` };
      }
    }
  }
  return undefined;
}

import { fingerprintOf } from './fingerprint.js';
import { type ModelDtype, type ModelPreset, withDtype } from './presets.js';

/**
 * The dtypes WebGPU runs on the GPU, best first. Never q8 or q4: ONNX Runtime Web has no WebGPU kernels for
 * their dynamic int8 ops (DynamicQuantizeLinear, MatMulInteger), so they fall back to the CPU unannounced.
 */
export const WEBGPU_DTYPES: readonly ModelDtype[] = ['fp16', 'fp32'];

/** The dtypes a query may be embedded with against an index of `preset`: the index's own first. */
export function acceptedDtypes(preset: ModelPreset): ModelDtype[] {
  return [...new Set([preset.dtype, ...preset.queryDtypes])];
}

/** A dtype a client may query with, and the fingerprint its vectors carry. */
export interface QueryDtype {
  dtype: ModelDtype;
  fingerprint: string;
}

/** Every fingerprint a query may carry against an index of `preset` (the index's own first). */
export function queryFingerprints(preset: ModelPreset): QueryDtype[] {
  return acceptedDtypes(preset).map((dtype) => ({ dtype, fingerprint: fingerprintOf(withDtype(preset, dtype)) }));
}

/**
 * The dtype to run on a WebGPU adapter: fp16 where the adapter has `shader-f16` and fp16 is allowed, else fp32
 * where allowed; `undefined` when neither is (then WebGPU is not an option for this model).
 */
export function webGpuDtype(allowed: readonly ModelDtype[], shaderF16: boolean): ModelDtype | undefined {
  return WEBGPU_DTYPES.find((dtype) => allowed.includes(dtype) && (dtype !== 'fp16' || shaderF16));
}

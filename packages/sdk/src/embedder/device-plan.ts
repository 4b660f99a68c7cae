import type { ModelDtype, ModelPreset } from '../model/presets.js';
import { acceptedDtypes, webGpuDtype } from '../model/query-dtypes.js';
import { EmbedderConfigError } from './errors.js';
import { IS_NODE, probeWebGpu } from './runtime.js';
import type { EmbedderDevice } from './types.js';

export type ConcreteDevice = Exclude<EmbedderDevice, 'auto'>;

/** Where and in which dtype the model runs, and what to do if WebGPU fails. */
export interface DevicePlan {
  device: ConcreteDevice;
  dtype: ModelDtype;
  /**
   * Set when WebGPU was asked for (`webgpu`, or `auto` on a browser with an adapter) but WASM was chosen before
   * anything loaded, and why.
   */
  downgraded?: string;
}

export interface PlanOptions {
  requested: EmbedderDevice;
  /** Dtypes WebGPU may pick from (default: the index dtype and the preset's admitted query dtypes). */
  allowedDtypes?: readonly ModelDtype[] | undefined;
  /** `webgpu` only: take WASM where WebGPU cannot be used at all, instead of throwing. Default false. */
  fallbackToWasm?: boolean | undefined;
}

/**
 * Node runs the index dtype on the CPU. Browsers run it on WASM, or on WebGPU in fp16 (adapter with
 * `shader-f16`) or fp32 — never q8, whose int8 ops WebGPU leaves to the CPU.
 */
export async function planDevice(preset: ModelPreset, options: PlanOptions): Promise<DevicePlan> {
  const { requested } = options;
  const onIndexDtype = (device: ConcreteDevice, downgraded?: string): DevicePlan => ({
    device,
    dtype: preset.dtype,
    ...(downgraded === undefined ? {} : { downgraded }),
  });
  if (IS_NODE) {
    if (requested === 'auto' || requested === 'cpu') return onIndexDtype('cpu');
    throw new EmbedderConfigError(
      `Device "${requested}" is for browsers; in Node use "cpu" (onnxruntime-node) or "auto".`,
    );
  }
  if (requested === 'cpu') {
    throw new EmbedderConfigError('Device "cpu" is for Node; in browsers use "webgpu", "wasm" or "auto".');
  }
  if (requested === 'wasm') return onIndexDtype('wasm');

  const accepted = acceptedDtypes(preset);
  const allowed = (options.allowedDtypes ?? accepted).filter((d) => accepted.includes(d));
  // No admitted WebGPU dtype: say so without touching the GPU.
  const gpu = webGpuDtype(allowed, true) ? await probeWebGpu() : undefined;
  const dtype = gpu?.available ? webGpuDtype(allowed, gpu.shaderF16) : undefined;
  if (dtype) return { device: 'webgpu', dtype };

  const reason =
    gpu && !gpu.available
      ? (gpu.reason ?? 'no WebGPU adapter')
      : `"${preset.name}" admits no WebGPU dtype here (fp16 needs shader-f16; allowed: ${allowed.join(', ')}); q8 would run its int8 ops on the CPU`;
  // `auto` on a browser without WebGPU simply runs WASM; a GPU that is there but unusable is worth a reason.
  if (requested === 'auto') return onIndexDtype('wasm', gpu && !gpu.adapter ? undefined : reason);
  if (!options.fallbackToWasm) {
    throw new EmbedderConfigError(`WebGPU was requested but cannot run this model: ${reason}. Use "auto" or "wasm".`);
  }
  return onIndexDtype('wasm', reason);
}

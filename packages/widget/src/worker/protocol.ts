import type { ModelProgress } from '@find-this-fit/sdk/embedder';

/** What the page asks of the model worker. Every request has an id; the worker answers with the same id. */
export type WorkerRequest =
  | { id: number; type: 'load'; options: WorkerLoadOptions }
  /** preload: fetch and compile the runtime build for `device` ahead of the model (no weights, no session). */
  | { id: number; type: 'warm-runtime'; wasmPaths: string; device: 'auto' | 'webgpu' | 'wasm' }
  | { id: number; type: 'embed-image'; image: ImageData }
  | { id: number; type: 'embed-text'; text: string }
  | { id: number; type: 'dispose' };

export interface WorkerLoadOptions {
  preset: string;
  /** The index dtype (the server's); CPU and WASM run it. Absent: the preset's. */
  dtype?: string;
  /** The dtypes the server accepts for queries (`/v1/info` model.queryDtypes); WebGPU picks fp16/fp32 among them. */
  allowedDtypes?: string[];
  /** Model folder URL; absent = the Hugging Face hub (cached by the browser). */
  modelDir?: string;
  device: 'auto' | 'webgpu' | 'wasm';
  /** URL of the widget's `ort/` folder (ONNX Runtime's content-hashed WASM files, served with the widget). */
  wasmPaths: string;
}

/** Inference moved (or was kept) off WebGPU, and why. */
export interface WorkerFallback {
  from: { device: 'webgpu'; dtype?: string };
  to: { device: 'wasm'; dtype: string };
  reason: string;
}

/** Where the model runs now, and the fingerprints its vectors carry. */
export interface RunningModel {
  /** The index contract (preset + index dtype). */
  fingerprint: string;
  /** The fingerprint of `dtype`: what a query embedded here carries. */
  queryFingerprint: string;
  device: 'webgpu' | 'wasm';
  /** The dtype that actually runs (fp16/fp32 on WebGPU, the index dtype on WASM). */
  dtype: string;
}

export interface LoadedModel extends RunningModel {
  dim: number;
  loadMs: number;
  /** The page is cross-origin isolated, so ONNX Runtime may use WASM threads (COOP + COEP). */
  crossOriginIsolated?: boolean;
  /** WebGPU was asked for but WASM was chosen before anything loaded (no adapter, no device, no fp16/fp32 files). */
  fallback?: WorkerFallback;
}

export interface EmbedResult extends RunningModel {
  vector: Float32Array;
  embedMs: number;
}

export interface WorkerErrorInfo {
  name: string;
  code: string;
  message: string;
  /** For `webgpu_failed`: what WebGPU reported. */
  reason?: string;
}

export type WorkerResponse =
  | { id: number; type: 'progress'; event: ModelProgress }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: WorkerErrorInfo };

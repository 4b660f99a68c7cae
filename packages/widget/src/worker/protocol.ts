import type { ModelProgress } from '@find-this-fit/sdk/embedder';

/** What the page asks of the model worker. Every request has an id; the worker answers with the same id. */
export type WorkerRequest =
  | { id: number; type: 'load'; options: WorkerLoadOptions }
  | { id: number; type: 'embed-image'; image: ImageData }
  | { id: number; type: 'embed-text'; text: string }
  | { id: number; type: 'dispose' };

export interface WorkerLoadOptions {
  preset: string;
  dtype?: string;
  /** Model folder URL; absent = the Hugging Face hub (cached by the browser). */
  modelDir?: string;
  device: 'auto' | 'webgpu' | 'wasm';
  /** URL prefix of ONNX Runtime's WASM files, served with the widget. */
  wasmPaths: string;
}

export interface LoadedModel {
  fingerprint: string;
  dim: number;
  device: 'webgpu' | 'wasm';
  loadMs: number;
}

export interface EmbedResult {
  vector: Float32Array;
  embedMs: number;
}

export interface WorkerErrorInfo {
  name: string;
  code: string;
  message: string;
}

export type WorkerResponse =
  | { id: number; type: 'progress'; event: ModelProgress }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; error: WorkerErrorInfo };

import type { ModelDtype, ModelPreset } from '../model/presets.js';

/** Where inference runs. `auto`: WebGPU when available, else WASM in browsers; CPU in Node. */
export type EmbedderDevice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/**
 * An image a user actually has. Browser: Blob/File, ImageData, ImageBitmap, canvas, <img>, URL.
 * Node: Buffer/Uint8Array/ArrayBuffer of encoded bytes, a file path, an http(s) URL.
 */
export type ImageInput =
  | string
  | URL
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | ImageData
  | ImageBitmap
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLImageElement;

/** Model download/load progress, per file. */
export interface ModelProgress {
  /** `download` a file started, `progress` bytes arrived, `done` a file finished, `ready` the model is usable. */
  status: 'download' | 'progress' | 'done' | 'ready';
  /** File within the model folder, e.g. `onnx/vision_model_quantized.onnx` (absent for `ready`). */
  file?: string;
  loaded?: number;
  total?: number;
  /** 0–100 for this file. */
  percent?: number;
}

export interface EmbedderOptions {
  /** Built-in preset name or a preset object. Default: the default preset (`siglip-b16`). */
  preset?: string | ModelPreset;
  /**
   * Folder holding the model files. Node: a filesystem path. Browser: a URL (absolute, or relative to the
   * page) under which `config.json`, `onnx/…` are served. Without it, files come from the hub (or cache).
   */
  modelDir?: string;
  device?: EmbedderDevice;
  /** Overrides the preset's dtype (this changes the fingerprint). */
  dtype?: ModelDtype;
  onProgress?: (event: ModelProgress) => void;
  /** ONNX Runtime intra-op threads (Node) / WASM threads (browser). */
  threads?: number;
  /**
   * Browser only: URL prefix where ONNX Runtime's WASM files are served (we never load them from a CDN).
   * The files are listed by `ortWasmFileNames`; `ftf-models ort-assets <dir>` copies them.
   */
  wasmPaths?: string;
  /** Node only: cache folder for hub downloads (transformers.js cache). */
  cacheDir?: string;
  /** Images per inference call in `embedImages`. Default 8. */
  batchSize?: number;
}

/** An image/text embedder bound to one model preset. Vectors are L2-normalised Float32Arrays of `dim`. */
export interface Embedder {
  readonly preset: ModelPreset;
  readonly dim: number;
  readonly fingerprint: string;
  /** The device inference actually runs on. */
  readonly device: Exclude<EmbedderDevice, 'auto'>;
  embedImage(input: ImageInput): Promise<Float32Array>;
  embedImages(inputs: readonly ImageInput[]): Promise<Float32Array[]>;
  /** Embeds text with the model's text encoder (loaded on first use). */
  embedText(text: string): Promise<Float32Array>;
  /** Releases the ONNX sessions. Further calls throw. */
  dispose(): Promise<void>;
}

import type { ModelDtype, ModelPreset } from '../model/presets.js';
import type { WebGpuError } from './errors.js';
import type { OrtRuntimeUrls } from './ort-assets.js';

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

/** The device (and dtype) inference moved off, the one it moved to, and why. */
export interface DeviceFallback {
  from: { device: 'webgpu'; dtype?: ModelDtype };
  to: { device: 'wasm'; dtype: ModelDtype };
  /** The WebGPU error (device lost, out of memory, shader compile failure…) or why WebGPU could not be used. */
  reason: string;
}

export interface EmbedderOptions {
  /** Built-in preset name or a preset object. Default: the default preset (`fashion-siglip`). */
  preset?: string | ModelPreset;
  /**
   * Folder holding the model files. Node: a filesystem path. Browser: a URL (absolute, or relative to the
   * page) under which `config.json`, `onnx/…` are served. Without it, files come from the hub (or cache).
   */
  modelDir?: string;
  device?: EmbedderDevice;
  /**
   * Overrides the preset's (index) dtype; this changes the fingerprint. CPU and WASM run it; WebGPU runs fp16
   * or fp32 from the dtypes admitted for it (`preset.queryDtypes`), never q8.
   */
  dtype?: ModelDtype;
  /**
   * Browser: the dtypes WebGPU may pick from, e.g. what the server lists in `/v1/info` (`model.queryDtypes`).
   * Default: the index dtype and the preset's admitted query dtypes. Dtypes the preset does not admit are ignored.
   */
  allowedDtypes?: readonly ModelDtype[];
  /**
   * Browser, `device: 'webgpu'`: take WASM (the index dtype) where WebGPU cannot be used at all — no adapter, no
   * device, no admitted dtype — instead of throwing (`auto` always does). Failures once the model is loading
   * on WebGPU throw {@link WebGpuError} either way: that realm cannot switch (see its doc).
   */
  fallbackToWasm?: boolean;
  /** Called when a `webgpu` request runs on WASM instead, with the reason. */
  onFallback?: (event: DeviceFallback) => void;
  onProgress?: (event: ModelProgress) => void;
  /** ONNX Runtime intra-op threads (Node) / WASM threads (browser). */
  threads?: number;
  /**
   * Browser only: where ONNX Runtime's WASM files are served (we never load them from a CDN). A URL prefix
   * holding the files listed by `ortWasmFileNames` (`ftf-models ort-assets <dir>` copies them), or the file URLs
   * of each build ({@link OrtRuntimeUrls}, e.g. content-hashed names served with immutable caching). Only the
   * build for the device that runs is fetched: the plain CPU build on WASM, the asyncify build on WebGPU.
   */
  wasmPaths?: string | OrtRuntimeUrls;
  /**
   * Browser only: how the ONNX Runtime WASM module is cached. `http` (default): ONNX Runtime compiles it by
   * streaming from its URL, so the browser's HTTP cache and Chromium's compiled-code cache serve the next visit
   * (serve the files with long-lived caching). `cache-api`: transformers.js keeps the bytes in the Cache API —
   * works offline, but Chromium compiles them again on every visit.
   */
  runtimeCache?: 'http' | 'cache-api';
  /** Node only: cache folder for hub downloads (transformers.js cache). */
  cacheDir?: string;
  /** Images per inference call in `embedImages`. Default 8. */
  batchSize?: number;
}

/** An image/text embedder bound to one model preset. Vectors are L2-normalised Float32Arrays of `dim`. */
export interface Embedder {
  /** The index preset: its `dtype` is the one the index is built with. */
  readonly preset: ModelPreset;
  readonly dim: number;
  /** The index contract this embedder serves (preset + index dtype): what stored vectors carry. */
  readonly fingerprint: string;
  /** The device inference actually runs on (after a WebGPU → WASM fallback, `wasm`). */
  readonly device: Exclude<EmbedderDevice, 'auto'>;
  /** The dtype that actually runs: the index dtype on CPU/WASM, fp16 or fp32 on WebGPU (never q8). */
  readonly dtype: ModelDtype;
  /** The fingerprint of `dtype`: what a query embedded here carries; the server accepts it for the index. */
  readonly queryFingerprint: string;
  embedImage(input: ImageInput): Promise<Float32Array>;
  embedImages(inputs: readonly ImageInput[]): Promise<Float32Array[]>;
  /** Embeds text with the model's text encoder (loaded on first use). */
  embedText(text: string): Promise<Float32Array>;
  /** Releases the ONNX sessions. Further calls throw. */
  dispose(): Promise<void>;
}

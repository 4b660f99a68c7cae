export * from '../model/index.js';
export { createEmbedder } from './create-embedder.js';
export {
  EmbedderConfigError,
  EmbedderDisposedError,
  ModelContractError,
  ModelFilesMissingError,
  ModelLoadError,
  UnreadableImageError,
  WebGpuError,
} from './errors.js';
export { type OrtBuildFiles, type OrtRuntimeUrls, ortRuntimeFiles, ortWasmFileNames } from './ort-assets.js';
export { probeWebGpu, type WebGpuSupport } from './runtime.js';
export type {
  DeviceFallback,
  Embedder,
  EmbedderDevice,
  EmbedderOptions,
  ImageInput,
  ModelProgress,
} from './types.js';

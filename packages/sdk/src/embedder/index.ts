export * from '../model/index.js';
export { createEmbedder } from './create-embedder.js';
export {
  EmbedderConfigError,
  EmbedderDisposedError,
  ModelContractError,
  ModelFilesMissingError,
  ModelLoadError,
  UnreadableImageError,
} from './errors.js';
export { ortWasmFileNames } from './ort-assets.js';
export type { Embedder, EmbedderDevice, EmbedderOptions, ImageInput, ModelProgress } from './types.js';

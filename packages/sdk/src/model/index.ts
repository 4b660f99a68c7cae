export { FindThisFitError, isFindThisFitError } from '../errors.js';
export { DimensionMismatchError, InvalidVectorError, UnknownPresetError } from './errors.js';
export { describeFingerprint, fingerprintOf, isFingerprint } from './fingerprint.js';
export { cosineSimilarity, l2Normalize } from './normalize.js';
export {
  DEFAULT_PRESET,
  FIXTURE_GENERATOR_REVISION,
  getPreset,
  isPresetName,
  MODEL_DTYPES,
  type ModelDtype,
  type ModelFamily,
  type ModelPreset,
  PRESETS,
  type Preprocessing,
  type PresetName,
  REAL_PRESETS,
  type TextPreprocessing,
  withDtype,
} from './presets.js';
export { acceptedDtypes, type QueryDtype, queryFingerprints, WEBGPU_DTYPES, webGpuDtype } from './query-dtypes.js';
export { assertSameModel, type LocalModelIdentity, LocalModelMismatchError } from './same-model.js';

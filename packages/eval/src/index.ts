/** `@find-this-fit/eval`: retrieval-quality measurement (recall@k, MRR, latency) on labelled photo sets. */
export { cropImage } from './crop.js';
export { type FixtureSetSummary, type MakeFixtureSetOptions, makeFixtureSet } from './fixture-set/make-fixture-set.js';
export {
  DEEPFASHION_BBOX,
  DEEPFASHION_PARTITION,
  readDeepFashionSet,
} from './labelled-set/deepfashion-reader.js';
export { readFolderSet } from './labelled-set/folder-reader.js';
export { readJsonlSet } from './labelled-set/jsonl-reader.js';
export { readLabelledSet, SET_JSONL } from './labelled-set/read-set.js';
export {
  type BoundingBox,
  type GalleryImage,
  type LabelledSet,
  LabelledSetError,
  type LabelledSetFormat,
  type QueryImage,
} from './labelled-set/types.js';
export {
  firstRelevantRank,
  type LatencySummary,
  latencySummary,
  MAX_K,
  percentile,
  type QualityMetrics,
  qualityMetrics,
  RECALL_KS,
} from './metrics.js';
export { formatReport } from './report.js';
export {
  type EvalOptions,
  type EvalPhase,
  type EvalProgress,
  type EvalReport,
  type PresetResult,
  type PresetSpec,
  type QueryRun,
  runEval,
} from './run-eval.js';

import { UnknownPresetError } from './errors.js';

/** Model families whose ONNX exports transformers.js loads with our I/O names. */
export type ModelFamily = 'clip' | 'siglip';

/** Weight precisions of the ONNX files; each selects the file suffix transformers.js loads. */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;
/** Weight precision of the ONNX file; selects the file suffix transformers.js loads. */
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/** Image preprocessing, as the model's `preprocessor_config.json` declares it. Part of the contract. */
export interface Preprocessing {
  /** `shortest-edge` resizes then centre-crops (CLIP); `exact` squashes to size (SigLIP). */
  readonly resize: 'shortest-edge' | 'exact';
  readonly centerCrop: boolean;
  readonly rescale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** PIL resample id (3 = bicubic). */
  readonly resample: number;
}

/** Text tokenisation rules the text encoder was trained with. */
export interface TextPreprocessing {
  readonly maxLength: number;
  readonly padding: 'longest' | 'max_length';
}

/**
 * A model preset is data: everything that decides which vector a photo becomes.
 * Two vectors are comparable only when their presets' fingerprints are equal.
 */
export interface ModelPreset {
  /** Short name used in configs and error messages, e.g. `siglip-b16`. */
  readonly name: string;
  /** Hugging Face model id, or `generated/<name>` for models we generate. */
  readonly modelId: string;
  /** Hub commit the files come from (or the generator version for generated models). */
  readonly revision: string;
  readonly family: ModelFamily;
  /** Output dimension; always the model's own (no padding, no truncation). */
  readonly dim: number;
  /** The dtype the index is built with (ingest, server, Node and WASM clients). */
  readonly dtype: ModelDtype;
  /**
   * Other dtypes a client may embed queries with against an index built with `dtype`; WebGPU needs one of
   * them (fp16 with `shader-f16`, else fp32), because ONNX Runtime Web has no WebGPU kernels for q8's dynamic
   * int8 ops and quietly runs them on the CPU. Every pair of `dtype` and these passes the parity test in
   * `test/model/dtype-admission.test.ts` (cosine ≥ 0.99 on the full-size random ViT of the architecture), and
   * each is listed only where the pinned revision has its files. Not part of the fingerprint: who may query an
   * index does not change any vector in it.
   */
  readonly queryDtypes: readonly ModelDtype[];
  readonly imageSize: number;
  readonly preprocess: Preprocessing;
  readonly text: TextPreprocessing;
  /** Approximate download size of the vision model at this dtype, for progress UIs. */
  readonly approxVisionBytes: number;
  readonly description: string;
}

const CLIP_PREPROCESS: Preprocessing = {
  resize: 'shortest-edge',
  centerCrop: true,
  rescale: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
};

const SIGLIP_PREPROCESS: Preprocessing = {
  resize: 'exact',
  centerCrop: false,
  rescale: 1 / 255,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  resample: 3,
};

/** Version of the fixture generator whose output the `fixture*` presets describe. */
export const FIXTURE_GENERATOR_REVISION = 'find-this-fit-fixture@1';

/**
 * Every preset we know, by name. `fashion-siglip` is the default. Licences and published retrieval results
 * are in the SDK README's preset table.
 */
export const PRESETS = {
  /**
   * Marqo-FashionSigLIP: ViT-B/16 SigLIP (webli) fine-tuned on fashion products, Apache-2.0, ONNX in the
   * transformers.js layout (`_quantized`, `_fp16`, `_q4f16`, vision and text). Pinned at 34e0b24, the last
   * commit before 782eaf7 "Add support for AutoModel", which rewrote config.json and preprocessor_config.json
   * for Python `trust_remote_code` loading (auto_map, a custom processor class). At 34e0b24 config.json is
   * `{"model_type": "siglip"}` and preprocessor_config.json is the plain SiglipImageProcessor one (224×224
   * squash, bicubic, rescale 1/255, mean = std = 0.5), both from ef343cf "Upload ONNX weights (+ quantizations)
   * + Transformers.js support"; the values below are copied from it so the fingerprint covers them.
   */
  'fashion-siglip': {
    name: 'fashion-siglip',
    modelId: 'Marqo/marqo-fashionSigLIP',
    revision: '34e0b24a968b570be00f1aeeb3c0c5daa42936b8',
    family: 'siglip',
    dim: 768,
    dtype: 'q8',
    queryDtypes: ['fp16', 'fp32'],
    imageSize: 224,
    preprocess: SIGLIP_PREPROCESS,
    text: { maxLength: 64, padding: 'max_length' },
    approxVisionBytes: 100_000_000,
    description: 'Marqo-FashionSigLIP, ViT-B/16 (768-d), fashion-tuned. Default: finds the exact product most often.',
  },
  /**
   * FashionCLIP 2.0 (patrickjohncyh/fashion-clip: ViT-B/32 fine-tuned from laion/CLIP-ViT-B-32-laion2B, MIT) as
   * ff13's transformers.js port (fp32 + `_quantized`, vision and text; no fp16 files). The hub page shows the
   * head commit's prefix 0f99955 ("Update README.md"); the full hash is the one a public project pins for the
   * same port — no stored hub page spells all 40 digits, so check it once with `ftf-models download fashion-clip`.
   * Preprocessing: OpenAI CLIP's (shortest edge 224, centre crop, bicubic, CLIP mean/std).
   */
  'fashion-clip': {
    name: 'fashion-clip',
    modelId: 'ff13/fashion-clip',
    revision: '0f99955d944c39bfd9d035a02ac273c7a44a406b',
    family: 'clip',
    dim: 512,
    dtype: 'q8',
    queryDtypes: ['fp32'],
    imageSize: 224,
    preprocess: CLIP_PREPROCESS,
    text: { maxLength: 77, padding: 'longest' },
    approxVisionBytes: 89_117_653,
    description: 'FashionCLIP 2.0, ViT-B/32 (512-d), fashion-tuned. Fast preset for weak devices.',
  },
  /** General SigLIP base patch16-224 (Apache-2.0), Xenova's transformers.js export. */
  'siglip-b16': {
    name: 'siglip-b16',
    modelId: 'Xenova/siglip-base-patch16-224',
    revision: '0008b94c0652cf6d7b79a7360f6c86b5778cb748',
    family: 'siglip',
    dim: 768,
    dtype: 'q8',
    queryDtypes: ['fp32'],
    imageSize: 224,
    preprocess: SIGLIP_PREPROCESS,
    text: { maxLength: 64, padding: 'max_length' },
    approxVisionBytes: 100_000_000,
    description: 'SigLIP base patch16-224 (768-d). General-purpose.',
  },
  /** General OpenAI CLIP ViT-B/32 (MIT), Xenova's transformers.js export. */
  'clip-vit-b32': {
    name: 'clip-vit-b32',
    modelId: 'Xenova/clip-vit-base-patch32',
    revision: 'd15189d7028b43f1d3e65039190477f6af591c2a',
    family: 'clip',
    dim: 512,
    dtype: 'q8',
    queryDtypes: ['fp32'],
    imageSize: 224,
    preprocess: CLIP_PREPROCESS,
    text: { maxLength: 77, padding: 'longest' },
    approxVisionBytes: 89_000_000,
    description: 'CLIP ViT-B/32 (512-d). General-purpose, fast.',
  },
  fixture: {
    name: 'fixture',
    modelId: 'generated/fixture-clip',
    revision: FIXTURE_GENERATOR_REVISION,
    family: 'clip',
    dim: 128,
    dtype: 'q8',
    queryDtypes: ['fp16', 'fp32'],
    imageSize: 224,
    preprocess: CLIP_PREPROCESS,
    text: { maxLength: 77, padding: 'longest' },
    approxVisionBytes: 30_000,
    description: 'Generated random-projection model (CLIP I/O). For tests and offline demos; not a real model.',
  },
  'fixture-siglip': {
    name: 'fixture-siglip',
    modelId: 'generated/fixture-siglip',
    revision: FIXTURE_GENERATOR_REVISION,
    family: 'siglip',
    dim: 128,
    dtype: 'q8',
    queryDtypes: ['fp16', 'fp32'],
    imageSize: 224,
    preprocess: SIGLIP_PREPROCESS,
    text: { maxLength: 64, padding: 'max_length' },
    approxVisionBytes: 30_000,
    description: 'Generated random-projection model (SigLIP I/O). For tests only; not a real model.',
  },
} as const satisfies Record<string, ModelPreset>;

/** Name of a built-in preset. */
export type PresetName = keyof typeof PRESETS;

/** The preset used when nothing else is configured. */
export const DEFAULT_PRESET: PresetName = 'fashion-siglip';

/** Presets backed by real pretrained weights (downloadable from the hub). */
export const REAL_PRESETS: readonly PresetName[] = ['fashion-siglip', 'fashion-clip', 'siglip-b16', 'clip-vit-b32'];

/** True when `name` is a built-in preset name. */
export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/**
 * The preset with another dtype (which changes its fingerprint). The dtypes admitted as interchangeable stay
 * the same group: an index built with one of them accepts queries in the others; any other dtype stands alone.
 */
export function withDtype(preset: ModelPreset, dtype: ModelDtype): ModelPreset {
  if (dtype === preset.dtype) return preset;
  const group = [preset.dtype, ...preset.queryDtypes];
  const queryDtypes = group.includes(dtype) ? group.filter((d) => d !== dtype) : [];
  return { ...preset, dtype, queryDtypes };
}

/**
 * Looks a preset up by name, optionally overriding its dtype (which changes its fingerprint).
 * @throws {UnknownPresetError} for a name that is not a built-in preset.
 */
export function getPreset(name: string, overrides: { dtype?: ModelDtype } = {}): ModelPreset {
  if (!isPresetName(name)) throw new UnknownPresetError(name, Object.keys(PRESETS));
  const preset: ModelPreset = PRESETS[name];
  return overrides.dtype ? withDtype(preset, overrides.dtype) : preset;
}

import { UnknownPresetError } from './errors.js';

/** Model families whose ONNX exports transformers.js loads with our I/O names. */
export type ModelFamily = 'clip' | 'siglip';

/** Weight precision of the ONNX file; selects the file suffix transformers.js loads. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

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
  readonly dtype: ModelDtype;
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

/** Every preset we know, by name. `siglip-b16` is the default. */
export const PRESETS = {
  'siglip-b16': {
    name: 'siglip-b16',
    modelId: 'Xenova/siglip-base-patch16-224',
    revision: '0008b94c0652cf6d7b79a7360f6c86b5778cb748',
    family: 'siglip',
    dim: 768,
    dtype: 'q8',
    imageSize: 224,
    preprocess: SIGLIP_PREPROCESS,
    text: { maxLength: 64, padding: 'max_length' },
    approxVisionBytes: 100_000_000,
    description: 'SigLIP base patch16-224 (768-d). Default: best retrieval quality of the presets.',
  },
  'clip-vit-b32': {
    name: 'clip-vit-b32',
    modelId: 'Xenova/clip-vit-base-patch32',
    revision: 'd15189d7028b43f1d3e65039190477f6af591c2a',
    family: 'clip',
    dim: 512,
    dtype: 'q8',
    imageSize: 224,
    preprocess: CLIP_PREPROCESS,
    text: { maxLength: 77, padding: 'longest' },
    approxVisionBytes: 89_000_000,
    description: 'CLIP ViT-B/32 (512-d). Fast preset for weak devices.',
  },
  fixture: {
    name: 'fixture',
    modelId: 'generated/fixture-clip',
    revision: FIXTURE_GENERATOR_REVISION,
    family: 'clip',
    dim: 128,
    dtype: 'q8',
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
export const DEFAULT_PRESET: PresetName = 'siglip-b16';

/** Presets backed by real pretrained weights (downloadable from the hub). */
export const REAL_PRESETS: readonly PresetName[] = ['siglip-b16', 'clip-vit-b32'];

/** True when `name` is a built-in preset name. */
export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/**
 * Looks a preset up by name, optionally overriding its dtype (which changes its fingerprint).
 * @throws {UnknownPresetError} for a name that is not a built-in preset.
 */
export function getPreset(name: string, overrides: { dtype?: ModelDtype } = {}): ModelPreset {
  if (!isPresetName(name)) throw new UnknownPresetError(name, Object.keys(PRESETS));
  const preset: ModelPreset = PRESETS[name];
  return overrides.dtype && overrides.dtype !== preset.dtype ? { ...preset, dtype: overrides.dtype } : preset;
}

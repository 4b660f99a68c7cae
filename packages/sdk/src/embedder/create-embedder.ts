import {
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  SiglipTextModel,
  SiglipVisionModel,
  type Tensor,
} from '@huggingface/transformers';
import { isFindThisFitError } from '../errors.js';
import { DimensionMismatchError } from '../model/errors.js';
import { fingerprintOf } from '../model/fingerprint.js';
import { l2Normalize } from '../model/normalize.js';
import { DEFAULT_PRESET, getPreset, type ModelDtype, type ModelPreset, withDtype } from '../model/presets.js';
import { assertFamilyMatches, assertPreprocessingMatches } from './contract-check.js';
import { type ConcreteDevice, planDevice } from './device-plan.js';
import { EmbedderConfigError, EmbedderDisposedError, ModelLoadError, WebGpuError } from './errors.js';
import { toRawImage } from './image-input.js';
import { assertModelFiles, familyOutputName, textFiles, visionFiles } from './model-files.js';
import { locateModel, type ModelLocation, withModelEnv } from './model-location.js';
import { type OrtBuildFiles, type OrtRuntimeUrls, ortRuntimeFiles } from './ort-assets.js';
import { IS_NODE } from './runtime.js';
import type { Embedder, EmbedderOptions, ImageInput, ModelProgress } from './types.js';
import { guardWebGpu, reasonOf } from './webgpu-guard.js';

/**
 * Points ONNX Runtime at the build for the device that will run (set before its first session: the runtime
 * initialises once per realm). Threads: ONNX Runtime uses them only where the page is cross-origin isolated.
 */
function configureBrowserRuntime(options: EmbedderOptions, device: ConcreteDevice): void {
  if (IS_NODE) return;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) return;
  if (!options.wasmPaths) {
    throw new EmbedderConfigError(
      "Set `wasmPaths` to the URL prefix where ONNX Runtime's WASM files are served (we never load them from a CDN). " +
        'Copy them with `ftf-models ort-assets <dir>`.',
    );
  }
  const build = device === 'webgpu' ? 'webgpu' : 'wasm';
  wasm.wasmPaths = runtimeUrls(options.wasmPaths)[build];
  // Streaming compilation from the URL lets the browser keep the compiled module across visits.
  env.useWasmCache = (options.runtimeCache ?? 'http') === 'cache-api';
  if (options.threads !== undefined) wasm.numThreads = options.threads;
}

function runtimeUrls(wasmPaths: string | OrtRuntimeUrls): OrtRuntimeUrls {
  if (typeof wasmPaths !== 'string') {
    for (const build of ['wasm', 'webgpu'] as const) {
      const files = wasmPaths[build];
      if (typeof files?.mjs !== 'string' || typeof files.wasm !== 'string')
        throw new EmbedderConfigError(`wasmPaths.${build} needs the URLs of its .mjs and .wasm files.`);
    }
    return wasmPaths;
  }
  const prefix = wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`;
  const at = (files: OrtBuildFiles): OrtBuildFiles => ({
    mjs: `${prefix}${files.mjs}`,
    wasm: `${prefix}${files.wasm}`,
  });
  return { wasm: at(ortRuntimeFiles.wasm), webgpu: at(ortRuntimeFiles.webgpu) };
}

function progressAdapter(onProgress: EmbedderOptions['onProgress']) {
  if (!onProgress) return undefined;
  return (raw: Record<string, unknown>) => {
    const status = raw.status;
    if (status !== 'download' && status !== 'progress' && status !== 'done' && status !== 'ready') return;
    const event: ModelProgress = { status };
    if (typeof raw.file === 'string') event.file = raw.file;
    if (typeof raw.loaded === 'number') event.loaded = raw.loaded;
    if (typeof raw.total === 'number') event.total = raw.total;
    if (typeof raw.progress === 'number') event.percent = Math.min(100, Math.max(0, raw.progress));
    onProgress(event);
  };
}

function loadFailure(location: ModelLocation, preset: ModelPreset, what: string, error: unknown): Error {
  if (isFindThisFitError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const where = location.modelDir ?? `${preset.modelId}@${preset.revision.slice(0, 7)} (hub)`;
  const hint = location.modelDir
    ? ''
    : ' If the model hub is unreachable, download the preset elsewhere with `pnpm models:download`, pass `modelDir`, ' +
      'or run fully offline with the generated model (`FTF_MODEL=fixture`).';
  return new ModelLoadError(`Could not load the ${what} of "${preset.name}" from ${where}: ${reason}.${hint}`, {
    cause: error,
  });
}

function rowsOf(tensor: Tensor | undefined, preset: ModelPreset, output: string): Float32Array[] {
  if (!tensor) throw new ModelLoadError(`Model "${preset.name}" produced no "${output}" output.`);
  const [batch = 0, width = 0] = tensor.dims;
  if (width !== preset.dim)
    throw new DimensionMismatchError(preset.dim, width, `Model output "${output}" of "${preset.name}"`);
  const data = tensor.data as Float32Array;
  return Array.from({ length: batch }, (_, i) => l2Normalize(data.subarray(i * width, (i + 1) * width), preset.dim));
}

/**
 * Loads the image encoder of a preset and returns an embedder. The text encoder loads on first `embedText`.
 * Every vector is L2-normalised and `preset.dim` long; `fingerprint` identifies the model contract.
 *
 * Node runs the preset's (index) dtype on the CPU. Browsers run it on WASM, or on WebGPU in fp16 (adapter with
 * `shader-f16`) or fp32 — never q8, whose int8 ops WebGPU would leave to the CPU. Where WebGPU cannot be used
 * at all (no adapter or device, no admitted dtype) `auto` takes WASM, and so does `webgpu` with `fallbackToWasm`,
 * reporting why through `onFallback`. A WebGPU failure once the model is loading raises {@link WebGpuError}:
 * that page or worker cannot load the model again, so move to WASM in a new worker (the widget does).
 *
 * @example
 * const embedder = await createEmbedder({ preset: 'fixture', modelDir: '.models/fixture' });
 * const vector = await embedder.embedImage('shirt.jpg');
 */
export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const base = typeof options.preset === 'object' ? options.preset : getPreset(options.preset ?? DEFAULT_PRESET);
  const preset: ModelPreset = options.dtype ? withDtype(base, options.dtype) : base;
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new EmbedderConfigError(`batchSize must be a positive integer, got ${batchSize}.`);
  const plan = await planDevice(preset, {
    requested: options.device ?? 'auto',
    allowedDtypes: options.allowedDtypes,
    fallbackToWasm: options.fallbackToWasm,
  });
  const location = await locateModel(preset, options.modelDir, options.cacheDir);
  const open = (device: ConcreteDevice, dtype: ModelDtype) => {
    configureBrowserRuntime(options, device);
    return openEmbedder({ preset, device, dtype, location, batchSize, options });
  };
  if (plan.downgraded) {
    options.onFallback?.({
      from: { device: 'webgpu' },
      to: { device: 'wasm', dtype: plan.dtype },
      reason: plan.downgraded,
    });
  }
  if (plan.device !== 'webgpu') return open(plan.device, plan.dtype);
  try {
    return guardWebGpu(await open('webgpu', plan.dtype));
  } catch (error) {
    const code = isFindThisFitError(error) ? error.code : undefined;
    // A self-hosted folder without the WebGPU dtype's files: found before any session exists, so WASM can still load.
    if (code === 'model_files_missing' && ((options.device ?? 'auto') === 'auto' || options.fallbackToWasm)) {
      options.onFallback?.({
        from: { device: 'webgpu', dtype: plan.dtype },
        to: { device: 'wasm', dtype: preset.dtype },
        reason: reasonOf(error),
      });
      return open('wasm', preset.dtype);
    }
    if (code === 'model_contract_violation' || code === 'model_files_missing') throw error; // WASM would fail alike
    throw error instanceof WebGpuError ? error : new WebGpuError(reasonOf(error), error);
  }
}

interface OpenOptions {
  /** The index preset (its dtype is the index's). */
  preset: ModelPreset;
  device: ConcreteDevice;
  /** The dtype this session runs: the index dtype, or an admitted query dtype on WebGPU. */
  dtype: ModelDtype;
  location: ModelLocation;
  batchSize: number;
  options: EmbedderOptions;
}

/** One model on one device in one dtype: transformers.js sessions, preprocessing, contract checks. */
async function openEmbedder({ preset, device, dtype, location, batchSize, options }: OpenOptions): Promise<Embedder> {
  const where = location.modelDir ?? preset.modelId;
  const progress_callback = progressAdapter(options.onProgress);
  const loadOptions = {
    revision: location.revision,
    ...(progress_callback ? { progress_callback } : {}),
    ...(location.cacheDir ? { cache_dir: location.cacheDir } : {}),
  };
  const modelOptions = {
    ...loadOptions,
    dtype,
    device,
    ...(IS_NODE && options.threads !== undefined ? { session_options: { intraOpNumThreads: options.threads } } : {}),
  };

  if (location.modelDir) await assertModelFiles(location.modelDir, visionFiles(dtype));
  const VisionModel = preset.family === 'clip' ? CLIPVisionModelWithProjection : SiglipVisionModel;
  const { processor, vision } = await withModelEnv(location, async () => {
    const processor = (await AutoImageProcessor.from_pretrained(location.id, loadOptions)) as unknown as Processor;
    const vision = (await VisionModel.from_pretrained(location.id, modelOptions)) as PreTrainedModel;
    return { processor, vision };
  }).catch((error: unknown) => {
    throw loadFailure(location, preset, `image encoder (${device}, ${dtype})`, error);
  });
  try {
    assertFamilyMatches(preset, (vision.config as { model_type?: unknown }).model_type, where);
    assertPreprocessingMatches(preset, processor as never, where);
  } catch (error) {
    await vision.dispose();
    throw error;
  }
  options.onProgress?.({ status: 'ready' });

  let text: Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> | undefined;
  let disposed = false;
  const assertLive = () => {
    if (disposed) throw new EmbedderDisposedError();
  };

  const loadText = () => {
    text ??= (async () => {
      if (location.modelDir) await assertModelFiles(location.modelDir, textFiles(dtype));
      const TextModel = preset.family === 'clip' ? CLIPTextModelWithProjection : SiglipTextModel;
      return withModelEnv(location, async () => ({
        tokenizer: await AutoTokenizer.from_pretrained(location.id, loadOptions),
        model: (await TextModel.from_pretrained(location.id, modelOptions)) as PreTrainedModel,
      })).catch((error: unknown) => {
        throw loadFailure(location, preset, `text encoder (${device}, ${dtype})`, error);
      });
    })();
    text.catch(() => {
      text = undefined; // a failed load may be retried (e.g. after the files were generated)
    });
    return text;
  };

  const imageOutput = familyOutputName(preset.family, 'image');
  const embedBatch = async (inputs: readonly ImageInput[]): Promise<Float32Array[]> => {
    const images = await Promise.all(inputs.map(toRawImage));
    const { pixel_values } = await (processor as unknown as (images: unknown) => Promise<{ pixel_values: Tensor }>)(
      images,
    );
    assertLive();
    const outputs = (await vision({ pixel_values })) as Record<string, Tensor>;
    return rowsOf(outputs[imageOutput], preset, imageOutput);
  };

  return {
    preset,
    dim: preset.dim,
    fingerprint: fingerprintOf(preset),
    device,
    dtype,
    queryFingerprint: fingerprintOf(withDtype(preset, dtype)),
    async embedImage(input) {
      assertLive();
      const [vector] = await embedBatch([input]);
      return vector as Float32Array;
    },
    async embedImages(inputs) {
      assertLive();
      const vectors: Float32Array[] = [];
      for (let start = 0; start < inputs.length; start += batchSize) {
        vectors.push(...(await embedBatch(inputs.slice(start, start + batchSize))));
      }
      return vectors;
    },
    async embedText(query) {
      assertLive();
      if (typeof query !== 'string' || query.trim() === '')
        throw new EmbedderConfigError('embedText needs a non-empty string.');
      const { tokenizer, model } = await loadText();
      assertLive();
      const inputs = tokenizer(query, {
        padding: preset.text.padding === 'max_length' ? 'max_length' : true,
        truncation: true,
        max_length: preset.text.maxLength,
      });
      const output = familyOutputName(preset.family, 'text');
      const outputs = (await model(inputs)) as Record<string, Tensor>;
      return rowsOf(outputs[output], preset, output)[0] as Float32Array;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await vision.dispose();
      if (text) await (await text.catch(() => undefined))?.model.dispose();
    },
  };
}

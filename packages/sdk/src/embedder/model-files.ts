import type { ModelDtype, ModelFamily } from '../model/presets.js';
import { ModelFilesMissingError } from './errors.js';
import { IS_NODE, importNode } from './runtime.js';

/** File-name suffix transformers.js uses for each dtype (`onnx/vision_model_quantized.onnx` for q8). */
const DTYPE_SUFFIX: Record<ModelDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

export function visionFiles(dtype: ModelDtype): string[] {
  return ['config.json', 'preprocessor_config.json', `onnx/vision_model${DTYPE_SUFFIX[dtype]}.onnx`];
}

export function textFiles(dtype: ModelDtype): string[] {
  return ['tokenizer.json', 'tokenizer_config.json', `onnx/text_model${DTYPE_SUFFIX[dtype]}.onnx`];
}

const HINT =
  'Generate the fixture model with `pnpm models:fixture`, or download a real preset with `pnpm models:download <preset>`.';

function join(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}

/** Throws {@link ModelFilesMissingError} naming the first missing file, before transformers.js gets a vaguer error. */
export async function assertModelFiles(modelDir: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    if (!(await fileExists(join(modelDir, file)))) throw new ModelFilesMissingError(modelDir, file, HINT);
  }
}

async function fileExists(pathOrUrl: string): Promise<boolean> {
  if (IS_NODE && !/^https?:/.test(pathOrUrl)) {
    const { stat } = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    return stat(pathOrUrl).then(
      (s) => s.isFile(),
      () => false,
    );
  }
  try {
    const response = await fetch(pathOrUrl, { method: 'HEAD' });
    return response.ok;
  } catch {
    return false;
  }
}

/** Reads a JSON file of the model folder (filesystem in Node, fetch in browsers). */
export async function readModelJson(modelDir: string, file: string): Promise<Record<string, unknown>> {
  const location = join(modelDir, file);
  let text: string;
  if (IS_NODE && !/^https?:/.test(location)) {
    const { readFile } = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    text = await readFile(location, 'utf8');
  } else {
    const response = await fetch(location);
    if (!response.ok) throw new ModelFilesMissingError(modelDir, file, HINT);
    text = await response.text();
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** Where transformers.js should look: the model id and the base it is resolved against. */
export function familyOutputName(family: ModelFamily, modality: 'image' | 'text'): string {
  if (family === 'siglip') return 'pooler_output';
  return modality === 'image' ? 'image_embeds' : 'text_embeds';
}

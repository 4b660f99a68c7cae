import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { textFiles, visionFiles } from '../embedder/model-files.js';
import { FindThisFitError } from '../errors.js';
import { fingerprintOf } from '../model/fingerprint.js';
import type { ModelPreset } from '../model/presets.js';
import { createProgressLine } from './progress-line.js';

/** The hub could not be reached or refused a file. */
export class HubUnreachableError extends FindThisFitError {
  override name = 'HubUnreachableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('hub_unreachable', message, options);
  }
}

const OPTIONAL_FILES = ['special_tokens_map.json'];

function hubUrl(preset: ModelPreset, file: string): string {
  const endpoint = (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  return `${endpoint}/${preset.modelId}/resolve/${preset.revision}/${file}`;
}

async function downloadFile(url: string, target: string, label: string, optional: boolean): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'follow' });
  } catch (error) {
    throw new HubUnreachableError(`Cannot reach ${new URL(url).host}: ${(error as Error).message}`, { cause: error });
  }
  if (response.status === 404 && optional) return false;
  if (!response.ok || !response.body) throw new HubUnreachableError(`GET ${url} answered HTTP ${response.status}.`);
  const total = Number(response.headers.get('content-length')) || undefined;
  const line = createProgressLine(label);
  let loaded = 0;
  const countBytes = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      loaded += chunk.length;
      line.update(loaded, total);
      yield chunk;
    }
  };
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      countBytes,
      createWriteStream(partial),
    );
    if (total !== undefined && loaded !== total) throw new Error(`got ${loaded} of ${total} bytes`);
  } catch (error) {
    await rm(partial, { force: true });
    throw new HubUnreachableError(`Download of ${url} failed: ${(error as Error).message}`, { cause: error });
  }
  await rename(partial, target); // never leave a truncated file under the real name
  line.done('done');
  return true;
}

export interface DownloadOptions {
  /**
   * Also fetch the files of the query dtypes the preset admits (fp16/fp32): what browsers running the model on
   * WebGPU load from a self-hosted folder. Without them WebGPU falls back to the index dtype on WASM.
   */
  webgpu?: boolean;
}

/**
 * Downloads a real preset's files (pinned revision, pinned dtype) into `<outDir>/<preset>` so the
 * server, ingest and tests can load it offline with `modelDir`. Skips files already present.
 */
export async function downloadPreset(
  preset: ModelPreset,
  outDir: string,
  options: DownloadOptions = {},
): Promise<string> {
  const dir = join(outDir, preset.name);
  const dtypes = options.webgpu ? [preset.dtype, ...preset.queryDtypes] : [preset.dtype];
  const files = [...new Set(dtypes.flatMap((dtype) => [...visionFiles(dtype), ...textFiles(dtype)]))];
  for (const file of [...files, ...OPTIONAL_FILES]) {
    const target = join(dir, file);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      continue;
    await downloadFile(hubUrl(preset, file), target, `${preset.name}/${file}`, OPTIONAL_FILES.includes(file));
  }
  const manifest = {
    kind: 'download',
    preset: preset.name,
    modelId: preset.modelId,
    revision: preset.revision,
    dtype: preset.dtype,
    fingerprint: fingerprintOf(preset),
    queryDtypes: dtypes.slice(1),
  };
  await writeFile(join(dir, 'find-this-fit.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

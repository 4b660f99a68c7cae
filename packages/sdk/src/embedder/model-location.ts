import { env } from '@huggingface/transformers';
import type { ModelPreset } from '../model/presets.js';
import { IS_NODE, importNode } from './runtime.js';

/** How transformers.js finds one model: an id plus the global `env` settings it is resolved with. */
export interface ModelLocation {
  /** Passed to `from_pretrained`. */
  id: string;
  revision: string;
  /** Folder/URL shown in messages and checked for files; undefined for hub loads. */
  modelDir: string | undefined;
  localModelPath: string | undefined;
  allowRemoteModels: boolean;
  cacheDir: string | undefined;
}

/**
 * Node: an absolute folder path is not a valid hub id, so transformers.js reads it from disk as is.
 * Browser: transformers.js refuses URL ids, so an absolute URL is split into `localModelPath` + last segment;
 * a same-origin path (`/models/fixture`) is fetched relative to the page as is.
 */
export async function locateModel(preset: ModelPreset, modelDir?: string, cacheDir?: string): Promise<ModelLocation> {
  const base = { revision: preset.revision, cacheDir };
  if (modelDir === undefined) {
    return { ...base, id: preset.modelId, modelDir: undefined, localModelPath: undefined, allowRemoteModels: true };
  }
  if (IS_NODE && !/^https?:/i.test(modelDir)) {
    const { resolve } = await importNode<typeof import('node:path')>('node:path');
    const dir = resolve(modelDir);
    return { ...base, id: dir, modelDir: dir, localModelPath: undefined, allowRemoteModels: false };
  }
  const trimmed = modelDir.replace(/\/+$/, '');
  if (/^https?:/i.test(trimmed)) {
    const cut = trimmed.lastIndexOf('/');
    return {
      ...base,
      id: trimmed.slice(cut + 1),
      modelDir: trimmed,
      localModelPath: `${trimmed.slice(0, cut)}/`,
      allowRemoteModels: false,
    };
  }
  return { ...base, id: trimmed, modelDir: trimmed, localModelPath: undefined, allowRemoteModels: false };
}

let envQueue: Promise<unknown> = Promise.resolve();

/**
 * transformers.js keeps its settings in one global `env`; loads that need different settings are
 * serialised so two embedders never see each other's paths.
 */
export function withModelEnv<T>(location: ModelLocation, load: () => Promise<T>): Promise<T> {
  const run = async () => {
    env.allowLocalModels = true;
    env.allowRemoteModels = location.allowRemoteModels;
    if (location.localModelPath !== undefined) env.localModelPath = location.localModelPath;
    if (location.cacheDir !== undefined) env.cacheDir = location.cacheDir;
    return load();
  };
  const result = envQueue.then(run, run);
  envQueue = result.catch(() => undefined);
  return result;
}

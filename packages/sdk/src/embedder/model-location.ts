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
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  /** Where remote files come from: the hub, or the model folder's own origin (see `locateModel`). */
  remoteHost: string;
  remotePathTemplate: string;
  cacheDir: string | undefined;
}

// The hub settings as transformers.js (or the host application) had them before any folder load changed them.
const HUB = { remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate };

/**
 * An id transformers.js accepts as a hub-style model id and that is unique per folder URL: its in-process
 * caches (file metadata, in-flight loads) are keyed by id and revision, so two folders must not share one.
 */
function idForFolder(url: URL): string {
  // transformers.js' id rule: [\w.-], word characters at both ends, no "--" or "..", at most 96 characters.
  const readable = `${url.host}${url.pathname}`
    .replace(/[^\w.-]+/g, '_')
    .replace(/([_.-])[_.-]+/g, '$1')
    .slice(-80)
    .replace(/^[._-]+|[._-]+$/g, '');
  let hash = 0x811c9dc5;
  for (const char of url.href) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return `${readable || 'model'}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Node: an absolute folder path is not a valid hub id, so transformers.js reads it from disk as is.
 * Browser, same-origin path (`/models/fixture`): fetched relative to the page as a local model.
 * Browser, absolute URL (a CDN, another origin): served as a *remote* model whose host is the folder itself.
 * transformers.js only checks that `tokenizer_config.json` exists through its remote path (a local path
 * that is a URL is skipped), so loading such a folder as local breaks text search; as remote, every file
 * is fetched from `<folder>/<file>` and cached by that URL.
 */
export async function locateModel(preset: ModelPreset, modelDir?: string, cacheDir?: string): Promise<ModelLocation> {
  const base = { revision: preset.revision, cacheDir, ...HUB };
  if (modelDir === undefined) {
    return { ...base, id: preset.modelId, modelDir: undefined, allowLocalModels: false, allowRemoteModels: true };
  }
  if (IS_NODE && !/^https?:/i.test(modelDir)) {
    const { resolve } = await importNode<typeof import('node:path')>('node:path');
    const dir = resolve(modelDir);
    return { ...base, id: dir, modelDir: dir, allowLocalModels: true, allowRemoteModels: false };
  }
  const trimmed = modelDir.replace(/\/+$/, '');
  if (/^https?:/i.test(trimmed)) {
    const url = new URL(`${trimmed}/`);
    return {
      ...base,
      id: idForFolder(url),
      modelDir: trimmed,
      allowLocalModels: false,
      allowRemoteModels: true,
      remoteHost: url.origin,
      // No {model} or {revision}: the folder holds one model at one revision (the contract check vouches for it).
      remotePathTemplate: url.pathname,
    };
  }
  return { ...base, id: trimmed, modelDir: trimmed, allowLocalModels: true, allowRemoteModels: false };
}

let envQueue: Promise<unknown> = Promise.resolve();

/**
 * transformers.js keeps its settings in one global `env`; loads that need different settings are
 * serialised, and each sets every field it depends on, so two embedders never see each other's paths.
 */
export function withModelEnv<T>(location: ModelLocation, load: () => Promise<T>): Promise<T> {
  const run = async () => {
    env.allowLocalModels = location.allowLocalModels;
    env.allowRemoteModels = location.allowRemoteModels;
    env.remoteHost = location.remoteHost;
    env.remotePathTemplate = location.remotePathTemplate;
    if (location.cacheDir !== undefined) env.cacheDir = location.cacheDir;
    return load();
  };
  const result = envQueue.then(run, run);
  envQueue = result.catch(() => undefined);
  return result;
}

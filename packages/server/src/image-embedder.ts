import { type FindThisFitError, isFindThisFitError } from '@find-this-fit/sdk';
import type { Embedder } from '@find-this-fit/sdk/embedder';
import type { Config } from './config.js';
import { InvalidRequestError, UnavailableError } from './errors.js';

/** Server-side embedding for `/v1/search/image`, loaded on first use (transformers.js is heavy). */
export interface ImageEmbedder {
  readonly enabled: boolean;
  embed(image: Buffer): Promise<Float32Array>;
  dispose(): Promise<void>;
}

const isCode = (error: unknown, ...codes: string[]): error is FindThisFitError =>
  isFindThisFitError(error) && codes.includes(error.code);

/**
 * Uses `given` when the caller supplies an embedder, else creates one from FTF_IMAGE_SEARCH_MODEL_DIR once. A failed
 * load is not cached: fixing the model folder does not need a restart.
 */
export function createImageEmbedder(config: Config, given?: Embedder): ImageEmbedder {
  const modelDir = config.model.modelDir;
  let loading: Promise<Embedder> | undefined = given ? Promise.resolve(given) : undefined;

  async function load(): Promise<Embedder> {
    if (!modelDir) {
      throw new UnavailableError(
        'model_unavailable',
        'Image search is off: the server has no FTF_IMAGE_SEARCH_MODEL_DIR.',
      );
    }
    const { createEmbedder } = await import('@find-this-fit/sdk/embedder');
    return createEmbedder({ preset: config.model.preset, modelDir, threads: 1 });
  }

  return {
    enabled: given !== undefined || modelDir !== undefined,
    async embed(image) {
      loading ??= load();
      let embedder: Embedder;
      try {
        embedder = await loading;
      } catch (error) {
        loading = undefined;
        if (error instanceof UnavailableError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new UnavailableError('model_unavailable', `The image model cannot be loaded: ${message}`, error);
      }
      try {
        return await embedder.embedImage(image);
      } catch (error) {
        if (isCode(error, 'unreadable_image')) throw InvalidRequestError.field('image', error.message);
        throw error;
      }
    },
    async dispose() {
      const pending = loading;
      loading = undefined;
      if (pending && !given) await (await pending.catch(() => undefined))?.dispose();
    },
  };
}

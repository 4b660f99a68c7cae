import { isFindThisFitError } from '../errors.js';
import { WebGpuError } from './errors.js';
import type { Embedder } from './types.js';

/** Errors about the input or the caller, which WASM would raise just the same. */
const NOT_THE_DEVICE = new Set(['unreadable_image', 'invalid_embedder_options', 'embedder_disposed']);

/** The error in at most ~400 characters; ONNX Runtime puts the telling part (e.g. "device was lost") last. */
export function reasonOf(error: unknown): string {
  const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).trim();
  return message.length > 400 ? `${message.slice(0, 100)} … ${message.slice(-290)}` : message;
}

/** Whether `error`, raised while running on WebGPU, is the GPU's doing (anything but a bad input). */
export function isWebGpuFailure(error: unknown): boolean {
  return !(isFindThisFitError(error) && NOT_THE_DEVICE.has(error.code));
}

/**
 * A WebGPU embedder whose GPU failures (device lost, out of memory, a shader that does not compile) surface as
 * {@link WebGpuError}, so a caller can tell them from bad input and move to WASM in a fresh realm.
 */
export function guardWebGpu(embedder: Embedder): Embedder {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw isWebGpuFailure(error) && !(error instanceof WebGpuError)
          ? new WebGpuError(reasonOf(error), error)
          : error;
      }
    };
  return {
    ...embedder,
    embedImage: guard(embedder.embedImage),
    embedImages: guard(embedder.embedImages),
    embedText: guard(embedder.embedText),
    dispose: () => embedder.dispose().catch(() => undefined), // a lost device may not release cleanly
  };
}

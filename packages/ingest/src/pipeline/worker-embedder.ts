import { Worker } from 'node:worker_threads';
import type { ModelPreset } from '@find-this-fit/sdk';
import type { EmbedderOptions } from '@find-this-fit/sdk/embedder';

/** The embedder, in a worker thread: the same contract as the SDK's `Embedder` for what ingest needs. */
export interface WorkerEmbedder {
  readonly fingerprint: string;
  readonly preset: ModelPreset;
  readonly dim: number;
  embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** An error raised inside the worker, with its original name (e.g. `UnreadableImageError`). */
export class EmbedWorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Reply =
  | { type: 'ready'; fingerprint: string; preset: ModelPreset; dim: number }
  | { type: 'failed'; error: { name: string; message: string } }
  | { type: 'result'; id: number; vectors?: Float32Array[]; error?: { name: string; message: string } }
  | { type: 'disposed' };

// From dist/ the worker is dist/embed-worker.js; from the sources (tests, tsx) it is the .mjs beside this file.
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./embed-worker.mjs', import.meta.url)
  : new URL('./embed-worker.js', import.meta.url);

/**
 * Starts the SDK embedder in a worker thread. Decoding, resizing and normalising images is synchronous
 * JavaScript in transformers.js: on the main thread it would stall the fetching that should overlap it.
 */
export function startWorkerEmbedder(options: EmbedderOptions & { preset: string }): Promise<WorkerEmbedder> {
  const { onProgress: _ignored, ...cloneable } = options;
  const worker = new Worker(workerUrl, { workerData: cloneable });
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  return new Promise<WorkerEmbedder>((resolveReady, rejectReady) => {
    let disposed: (() => void) | undefined;
    worker.on('error', (error) => {
      failAll(error);
      rejectReady(error);
    });
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`embedder worker exited with code ${code}`));
      disposed?.();
    });
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'failed') {
        rejectReady(new EmbedWorkerError(reply.error.name, reply.error.message));
        void worker.terminate();
      } else if (reply.type === 'ready') {
        resolveReady({
          fingerprint: reply.fingerprint,
          preset: reply.preset,
          dim: reply.dim,
          embedImages(images) {
            if (failure) return Promise.reject(failure);
            const id = nextId++;
            return new Promise<Float32Array[]>((resolve, reject) => {
              pending.set(id, { resolve, reject });
              worker.postMessage({ id, images });
            });
          },
          dispose() {
            return new Promise<void>((resolve) => {
              disposed = resolve;
              worker.postMessage({ type: 'dispose' });
            });
          },
        });
      } else if (reply.type === 'result') {
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if (!waiter) return;
        if (reply.error) waiter.reject(new EmbedWorkerError(reply.error.name, reply.error.message));
        else waiter.resolve(reply.vectors ?? []);
      } else if (reply.type === 'disposed') {
        void worker.terminate();
      }
    });
  });
}

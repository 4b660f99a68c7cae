/// <reference lib="webworker" />
// The model runs here, off the main thread: transformers.js, ONNX Runtime and the weights are only fetched
// when the shopper first searches, and inference never blocks scrolling or typing.
import { createEmbedder, type Embedder, isFindThisFitError, type ModelProgress } from '@find-this-fit/sdk/embedder';
import type { WorkerErrorInfo, WorkerLoadOptions, WorkerRequest, WorkerResponse } from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;

let embedder: Embedder | undefined;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

async function load(id: number, options: WorkerLoadOptions) {
  const started = performance.now();
  await embedder?.dispose();
  embedder = undefined;
  const base = {
    preset: options.preset,
    wasmPaths: options.wasmPaths,
    onProgress: (event: ModelProgress) => post({ id, type: 'progress', event }),
    ...(options.modelDir === undefined ? {} : { modelDir: options.modelDir }),
    ...(options.dtype === undefined ? {} : { dtype: options.dtype as 'q8' }),
  };
  try {
    embedder = await createEmbedder({ ...base, device: options.device });
  } catch (error) {
    // `auto` promises a working model: a GPU that exposes an adapter but cannot run the graph falls back to WASM.
    if (options.device !== 'auto') throw error;
    embedder = await createEmbedder({ ...base, device: 'wasm' });
  }
  return {
    fingerprint: embedder.fingerprint,
    dim: embedder.dim,
    device: embedder.device,
    loadMs: performance.now() - started,
  };
}

function loaded(): Embedder {
  if (!embedder) throw Object.assign(new Error('The model is not loaded yet.'), { code: 'model_not_loaded' });
  return embedder;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'load':
      return load(request.id, request.options);
    case 'embed-image': {
      const started = performance.now();
      const vector = await loaded().embedImage(request.image);
      return { vector, embedMs: performance.now() - started };
    }
    case 'embed-text': {
      const started = performance.now();
      const vector = await loaded().embedText(request.text);
      return { vector, embedMs: performance.now() - started };
    }
    case 'dispose':
      await embedder?.dispose();
      embedder = undefined;
      return null;
  }
}

function describe(error: unknown): WorkerErrorInfo {
  const code = isFindThisFitError(error)
    ? error.code
    : String((error as { code?: unknown } | null)?.code ?? 'worker_failed');
  const name = error instanceof Error ? error.name : 'Error';
  return { name, code, message: error instanceof Error ? error.message : String(error) };
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  handle(request).then(
    (value) => {
      const vector = (value as { vector?: Float32Array } | null)?.vector;
      post({ id: request.id, type: 'result', value }, vector ? [vector.buffer] : []);
    },
    (error: unknown) => post({ id: request.id, type: 'error', error: describe(error) }),
  );
});

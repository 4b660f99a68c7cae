/// <reference lib="webworker" />
// The model runs here, off the main thread: transformers.js, ONNX Runtime and the weights are only fetched
// when the shopper first searches, and inference never blocks scrolling or typing.
import {
  createEmbedder,
  type DeviceFallback,
  type Embedder,
  isFindThisFitError,
  type ModelDtype,
  type ModelProgress,
  type OrtRuntimeUrls,
} from '@find-this-fit/sdk/embedder';
import type {
  EmbedResult,
  LoadedModel,
  RunningModel,
  WorkerErrorInfo,
  WorkerLoadOptions,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;
/** The content-hashed ONNX Runtime file names in `ort/`, baked in at build time (see vite.config.ts). */
declare const __FTF_ORT_RUNTIME__: OrtRuntimeUrls;

/**
 * Each build's file URLs under the widget's `ort/` folder. The names carry their content hash, so hosts serve
 * them with `Cache-Control: immutable`: ONNX Runtime compiles the module by streaming from that URL and the
 * next visit reuses Chromium's compiled code instead of compiling 14 MB again.
 */
function runtimeUrls(folder: string): OrtRuntimeUrls {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  const at = (name: string) => new URL(name, base).href;
  const { wasm, webgpu } = __FTF_ORT_RUNTIME__;
  return {
    wasm: { mjs: at(wasm.mjs), wasm: at(wasm.wasm) },
    webgpu: { mjs: at(webgpu.mjs), wasm: at(webgpu.wasm) },
  };
}

let embedder: Embedder | undefined;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function running(e: Embedder): RunningModel {
  return {
    fingerprint: e.fingerprint,
    queryFingerprint: e.queryFingerprint,
    device: e.device as 'webgpu' | 'wasm',
    dtype: e.dtype,
  };
}

/**
 * Loads the model once per worker. A WebGPU failure once loading has begun leaves this worker unable to load
 * again (transformers.js keeps the failure queued), so it is reported as `webgpu_failed` and the page moves to
 * WASM in a new worker (`ModelSession`); choices made before loading (no adapter, no fp16/fp32) stay here.
 */
async function load(id: number, options: WorkerLoadOptions): Promise<LoadedModel> {
  const started = performance.now();
  await embedder?.dispose();
  embedder = undefined;
  let fallback: DeviceFallback | undefined;
  embedder = await createEmbedder({
    preset: options.preset,
    device: options.device,
    wasmPaths: runtimeUrls(options.wasmPaths),
    runtimeCache: 'http',
    fallbackToWasm: true,
    onFallback: (event) => {
      fallback = event;
    },
    onProgress: (event: ModelProgress) => post({ id, type: 'progress', event }),
    ...(options.modelDir === undefined ? {} : { modelDir: options.modelDir }),
    ...(options.dtype === undefined ? {} : { dtype: options.dtype as ModelDtype }),
    ...(options.allowedDtypes === undefined ? {} : { allowedDtypes: options.allowedDtypes as ModelDtype[] }),
  });
  return {
    ...running(embedder),
    dim: embedder.dim,
    loadMs: performance.now() - started,
    // ONNX Runtime runs WASM threads only on cross-origin isolated pages (SharedArrayBuffer).
    crossOriginIsolated: self.crossOriginIsolated,
    ...(fallback ? { fallback } : {}),
  };
}

/**
 * Fetches and compiles the runtime build the model will use, from its immutable URL: the HTTP cache and the
 * compiled-code cache are then warm when ONNX Runtime instantiates it. `auto` with WebGPU present warms nothing
 * (which build runs is known only once the adapter is probed, with the model).
 */
async function warmRuntime(folder: string, device: 'auto' | 'webgpu' | 'wasm'): Promise<{ url: string | null }> {
  const hasGpu = 'gpu' in self.navigator;
  const build = device === 'webgpu' ? 'webgpu' : device === 'wasm' || !hasGpu ? 'wasm' : undefined;
  if (!build) return { url: null };
  const url = runtimeUrls(folder)[build].wasm;
  await WebAssembly.compileStreaming(fetch(url));
  return { url };
}

function loaded(): Embedder {
  if (!embedder) throw Object.assign(new Error('The model is not loaded yet.'), { code: 'model_not_loaded' });
  return embedder;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'load':
      return load(request.id, request.options);
    case 'warm-runtime':
      return warmRuntime(request.wasmPaths, request.device);
    case 'embed-image': {
      const started = performance.now();
      const vector = await loaded().embedImage(request.image);
      return { vector, embedMs: performance.now() - started, ...running(loaded()) } satisfies EmbedResult;
    }
    case 'embed-text': {
      const started = performance.now();
      const vector = await loaded().embedText(request.text);
      return { vector, embedMs: performance.now() - started, ...running(loaded()) } satisfies EmbedResult;
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
  const info: WorkerErrorInfo = { name, code, message: error instanceof Error ? error.message : String(error) };
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string') info.reason = reason;
  return info;
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

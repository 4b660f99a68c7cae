import type { ModelProgress } from '@find-this-fit/sdk/embedder';
import type {
  EmbedResult,
  LoadedModel,
  RunningModel,
  WorkerErrorInfo,
  WorkerFallback,
  WorkerLoadOptions,
  WorkerRequest,
  WorkerResponse,
} from '../worker/protocol.js';

/** An error raised inside the model worker, with the SDK's error code kept. */
export class ModelWorkerError extends Error {
  override name = 'ModelWorkerError';
  readonly code: string;
  readonly causeName: string;
  /** For `webgpu_failed`: what WebGPU reported. */
  readonly reason: string | undefined;
  constructor(info: WorkerErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.causeName = info.name;
    this.reason = info.reason;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type Pending = { resolve(value: unknown): void; reject(error: Error): void; onProgress?: (e: ModelProgress) => void };

/**
 * A module worker is same-origin only. When the widget's files live on another origin (a CDN), the worker
 * starts from a same-origin blob that imports the real script (which then needs CORS, as any module does).
 */
function startWorker(url: URL): Worker {
  if (url.origin === location.origin) return new Worker(url, { type: 'module', name: 'find-this-fit-model' });
  const shim = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  const shimUrl = URL.createObjectURL(shim);
  try {
    return new Worker(shimUrl, { type: 'module', name: 'find-this-fit-model' });
  } finally {
    // The worker has fetched its script by the time it runs; revoking later keeps the URL from leaking.
    setTimeout(() => URL.revokeObjectURL(shimUrl), 60_000);
  }
}

/** The page side of the model worker: promise-per-request over postMessage. */
export class ModelWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #broken: Error | undefined;

  constructor(scriptUrl: URL) {
    this.#worker = startWorker(scriptUrl);
    this.#worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => this.#receive(event.data));
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#fail(
        new ModelWorkerError({
          name: 'Error',
          code: 'worker_failed',
          message: event.message || 'The model worker failed to start.',
        }),
      );
    });
  }

  load(options: WorkerLoadOptions, onProgress?: (event: ModelProgress) => void): Promise<LoadedModel> {
    return this.#request({ type: 'load', options }, [], onProgress) as Promise<LoadedModel>;
  }

  /** Embeds pixels; the buffer is transferred (the caller's ImageData is emptied). */
  embedImage(image: ImageData): Promise<EmbedResult> {
    return this.#request({ type: 'embed-image', image }, [image.data.buffer]) as Promise<EmbedResult>;
  }

  embedText(text: string): Promise<EmbedResult> {
    return this.#request({ type: 'embed-text', text }) as Promise<EmbedResult>;
  }

  warmRuntime(wasmPaths: string, device: WorkerLoadOptions['device']): Promise<{ url: string | null }> {
    return this.#request({ type: 'warm-runtime', wasmPaths, device }) as Promise<{ url: string | null }>;
  }

  terminate(): void {
    this.#worker.terminate();
    this.#fail(
      new ModelWorkerError({ name: 'Error', code: 'worker_terminated', message: 'The model worker was stopped.' }),
    );
  }

  #request(
    body: DistributiveOmit<WorkerRequest, 'id'>,
    transfer: Transferable[] = [],
    onProgress?: (event: ModelProgress) => void,
  ): Promise<unknown> {
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, onProgress ? { resolve, reject, onProgress } : { resolve, reject });
      this.#worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  }

  #receive(message: WorkerResponse): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.event);
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(new ModelWorkerError(message.error));
  }

  #fail(error: Error): void {
    this.#broken = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** Where the model runs now (it can move from WebGPU to WASM), and since when it has been loaded. */
export interface SessionModel extends RunningModel {
  loadMs: number;
}

export interface SessionHooks {
  onProgress?: (event: ModelProgress) => void;
  /** Inference moved (or was kept) off WebGPU; `reason` says why. */
  onFallback?: (event: WorkerFallback) => void;
}

const isWebGpuFailure = (error: unknown): error is ModelWorkerError =>
  error instanceof ModelWorkerError && error.code === 'webgpu_failed';

/**
 * The model worker, with the move from WebGPU to WASM. Once a WebGPU load or run has failed (device lost, out of
 * memory, a shader that does not compile) its worker cannot load the model again — transformers.js keeps the
 * failure queued — so the move is a new worker on WASM, and the call that failed is made again there.
 */
export class ModelSession {
  readonly #scriptUrl: URL;
  readonly #hooks: SessionHooks;
  #worker: ModelWorker | undefined;
  #options: WorkerLoadOptions | undefined;
  #model: SessionModel | undefined;
  #moving: Promise<SessionModel> | undefined;
  /** The worker was started by `warmRuntime` and has loaded nothing yet: the first load reuses it. */
  #unused = false;

  constructor(scriptUrl: URL, hooks: SessionHooks = {}) {
    this.#scriptUrl = scriptUrl;
    this.#hooks = hooks;
  }

  /** The model as it runs now; undefined before the first load. */
  get model(): SessionModel | undefined {
    return this.#model;
  }

  /** Starts the worker (if none) and has it fetch and compile the runtime build; the next load reuses it. */
  warmRuntime(wasmPaths: string, device: WorkerLoadOptions['device']): Promise<{ url: string | null }> {
    if (!this.#worker) {
      this.#worker = new ModelWorker(this.#scriptUrl);
      this.#unused = true;
    }
    return this.#worker.warmRuntime(wasmPaths, device);
  }

  async load(options: WorkerLoadOptions): Promise<SessionModel> {
    this.#options = options;
    this.#moving = undefined;
    if (!this.#unused || !this.#worker) {
      this.#worker?.terminate();
      this.#worker = new ModelWorker(this.#scriptUrl);
    }
    this.#unused = false;
    try {
      const loaded = await this.#worker.load(options, this.#hooks.onProgress);
      if (loaded.fallback) this.#hooks.onFallback?.(loaded.fallback);
      return this.#note(loaded, loaded.loadMs);
    } catch (error) {
      if (!isWebGpuFailure(error) || options.device === 'wasm') throw error;
      return this.#toWasm(error);
    }
  }

  /** Embeds pixels. On WebGPU the pixels are kept (the buffer is transferred) to be sent again after a move. */
  async embedImage(image: ImageData): Promise<EmbedResult> {
    const again = this.#model?.device === 'webgpu' ? new ImageData(image.data.slice(), image.width) : undefined;
    return this.#run((worker) => worker.embedImage(image), again && ((worker) => worker.embedImage(again)));
  }

  embedText(text: string): Promise<EmbedResult> {
    const call = (worker: ModelWorker) => worker.embedText(text);
    return this.#run(call, call);
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#unused = false;
    this.#model = undefined;
    this.#moving = undefined;
  }

  async #run(
    call: (worker: ModelWorker) => Promise<EmbedResult>,
    retry: ((worker: ModelWorker) => Promise<EmbedResult>) | undefined,
  ): Promise<EmbedResult> {
    const worker = this.#worker;
    if (!worker)
      throw new ModelWorkerError({ name: 'Error', code: 'model_not_loaded', message: 'The model is not loaded.' });
    try {
      return this.#noteRun(await call(worker));
    } catch (error) {
      if (!retry || !isWebGpuFailure(error)) throw error;
      this.#moving ??= this.#toWasm(error); // one move, however many calls failed
      await this.#moving;
      return this.#noteRun(await retry(this.#worker as ModelWorker));
    }
  }

  /** A new worker on WASM; the failed one is stopped. */
  async #toWasm(failure: ModelWorkerError): Promise<SessionModel> {
    const options = this.#options;
    if (!options) throw failure;
    const from = { device: 'webgpu' as const, ...(this.#model ? { dtype: this.#model.dtype } : {}) };
    const reason = failure.reason ?? failure.message;
    this.#worker?.terminate();
    this.#worker = new ModelWorker(this.#scriptUrl);
    const started = performance.now();
    let loaded: LoadedModel;
    try {
      loaded = await this.#worker.load({ ...options, device: 'wasm' }, this.#hooks.onProgress);
    } catch (error) {
      const info = error instanceof ModelWorkerError ? error : undefined;
      throw new ModelWorkerError({
        name: info?.causeName ?? 'Error',
        code: info?.code ?? 'model_load_failed',
        message: `WebGPU failed (${reason}) and WASM could not load the model either: ${(error as Error).message}`,
      });
    }
    this.#hooks.onFallback?.({ from, to: { device: 'wasm', dtype: loaded.dtype }, reason });
    return this.#note(loaded, performance.now() - started);
  }

  #note(model: RunningModel, loadMs: number): SessionModel {
    const { fingerprint, queryFingerprint, device, dtype } = model;
    this.#model = { fingerprint, queryFingerprint, device, dtype, loadMs };
    return this.#model;
  }

  #noteRun(result: EmbedResult): EmbedResult {
    this.#note(result, this.#model?.loadMs ?? 0);
    return result;
  }
}

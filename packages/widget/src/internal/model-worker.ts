import type { ModelProgress } from '@find-this-fit/sdk/embedder';
import type {
  EmbedResult,
  LoadedModel,
  WorkerErrorInfo,
  WorkerLoadOptions,
  WorkerRequest,
  WorkerResponse,
} from '../worker/protocol.js';

/** An error raised inside the model worker, with the SDK's error code kept. */
export class ModelWorkerError extends Error {
  override name = 'ModelWorkerError';
  readonly code: string;
  readonly causeName: string;
  constructor(info: WorkerErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.causeName = info.name;
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

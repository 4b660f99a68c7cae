import { assertSameModel, type InfoResponse } from '@find-this-fit/sdk';
import type { ModelProgress } from '@find-this-fit/sdk/embedder';
import { ModelSession, type SessionModel } from '../../internal/model-worker.js';
import type { EmbedResult, WorkerFallback } from '../../worker/protocol.js';

/** Files the widget loads on first use, next to its own script (or under `assets-base`). */
const WORKER_FILE = 'embed-worker.js';
const ORT_FOLDER = 'ort/';

/**
 * The widget's own script URL: the base for its worker and ONNX Runtime files. The classic-script build has
 * no `import.meta.url` (it is defined as undefined there) and reads `document.currentScript` while it runs.
 */
const SCRIPT_URL: string =
  import.meta.url ?? (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;

/** Which model to load, from the element's settings. */
export interface ModelChoice {
  /** Preset override; by default the server's. */
  model: string | undefined;
  /** Folder of self-hosted weights; by default the hub. */
  modelUrl: string | undefined;
  /** Folder holding `embed-worker.js` and `ort/`; by default next to the widget's script. */
  assetsBase: string | undefined;
}

export interface LocalModelHooks {
  /** A file's download moved; `loaded`/`total` are summed over every file of this load. */
  onProgress(event: ModelProgress, loaded: number, total: number): void;
  /** The model left (or never used) WebGPU. */
  onFallback(event: WorkerFallback): void;
}

/**
 * The model in the widget's worker: started on first use, loaded once per choice of model (later searches reuse
 * it), checked against the server's fingerprints, and stopped with the element.
 */
export class LocalModel {
  readonly #hooks: LocalModelHooks;
  #session: ModelSession | undefined;
  #model: Promise<SessionModel> | undefined;
  #fileProgress = new Map<string, { loaded: number; total: number }>();

  constructor(hooks: LocalModelHooks) {
    this.#hooks = hooks;
  }

  /** The load in progress or done, if any. */
  get loaded(): Promise<SessionModel> | undefined {
    return this.#model;
  }

  /** Where the model runs now: after a WebGPU → WASM move its vectors carry the WASM dtype's fingerprint. */
  get running(): SessionModel {
    const model = this.#session?.model;
    if (!model) throw new Error('No model is loaded.');
    return model;
  }

  /** preload: fetch and compile the runtime in the worker (started here if need be), before any model. */
  warmRuntime(device: 'auto' | 'webgpu' | 'wasm', choice: ModelChoice): Promise<{ url: string | null }> {
    return this.#ensureSession(choice).warmRuntime(assetUrl(ORT_FOLDER, choice.assetsBase).href, device);
  }

  /** Loads the server's model (or the chosen preset) in the worker, once. */
  load(info: InfoResponse, device: 'auto' | 'webgpu' | 'wasm', choice: ModelChoice): Promise<SessionModel> {
    if (this.#model) return this.#model;
    const session = this.#ensureSession(choice);
    this.#fileProgress.clear();
    const preset = choice.model || info.model.preset;
    // The dtypes the server accepts for queries: WebGPU runs fp16/fp32 among them, WASM the index dtype.
    const accepted = info.model.queryDtypes ?? [{ dtype: info.model.dtype, fingerprint: info.model.fingerprint }];
    const options = {
      preset,
      device,
      wasmPaths: assetUrl(ORT_FOLDER, choice.assetsBase).href,
      ...(choice.model ? {} : { dtype: info.model.dtype, allowedDtypes: accepted.map((q) => q.dtype) }),
      ...(choice.modelUrl ? { modelDir: workerModelUrl(choice.modelUrl) } : {}),
    };
    const model = session.load(options).then((loaded) => {
      assertSameModel({ queryFingerprint: loaded.queryFingerprint }, info.model, 'its vectors would not compare');
      return loaded;
    });
    this.#model = model;
    model.catch(() => {
      if (this.#model === model) this.#model = undefined;
    });
    return model;
  }

  embedImage(pixels: ImageData): Promise<EmbedResult> {
    return this.#sessionOrThrow().embedImage(pixels);
  }

  embedText(text: string): Promise<EmbedResult> {
    return this.#sessionOrThrow().embedText(text);
  }

  /** The choice changed: the next search loads again (the worker stays). */
  forget(): void {
    this.#model = undefined;
  }

  /** Stops the worker. */
  terminate(): void {
    this.#session?.terminate();
    this.#session = undefined;
    this.#model = undefined;
  }

  #ensureSession(choice: ModelChoice): ModelSession {
    this.#session ??= new ModelSession(assetUrl(WORKER_FILE, choice.assetsBase), {
      onProgress: (event) => this.#onProgress(event),
      onFallback: (event) => this.#hooks.onFallback(event),
    });
    return this.#session;
  }

  #sessionOrThrow(): ModelSession {
    if (!this.#session) throw new Error('No model is loaded.');
    return this.#session;
  }

  #onProgress(event: ModelProgress): void {
    if (event.file && typeof event.total === 'number' && event.total > 0) {
      this.#fileProgress.set(event.file, { loaded: event.loaded ?? 0, total: event.total });
    }
    let loaded = 0;
    let total = 0;
    for (const file of this.#fileProgress.values()) {
      loaded += file.loaded;
      total += file.total;
    }
    this.#hooks.onProgress(event, loaded, total);
  }
}

function assetUrl(path: string, assetsBase: string | undefined): URL {
  const base = assetsBase ? new URL(assetsBase, document.baseURI) : new URL('./', SCRIPT_URL);
  const folder = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
  return new URL(path, folder);
}

/**
 * The model folder as the worker must see it: resolved against the page (the worker's own base is its script),
 * root-relative when same-origin, absolute for another origin (a CDN; the SDK loads it as a remote folder).
 */
function workerModelUrl(modelUrl: string): string {
  const url = new URL(modelUrl, document.baseURI);
  return url.origin === location.origin ? `${url.pathname}${url.search}` : url.href;
}

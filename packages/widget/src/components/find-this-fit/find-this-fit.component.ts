import {
  type Condition,
  FindThisFit,
  type InfoResponse,
  type SearchFilters,
  type SearchPage,
  type SearchResult,
} from '@find-this-fit/sdk';
import type { ModelProgress } from '@find-this-fit/sdk/embedder';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { connectNativeBridge, type HostInit, type NativeBridge } from '../../bridge/index.js';
import type {
  FtfErrorDetail,
  FtfModelProgressDetail,
  FtfResultsDetail,
  FtfSelectDetail,
  QueryKind,
  SearchTimings,
} from '../../events.js';
import { formatBytes, formatPrice, toMinorUnits } from '../../internal/format.js';
import { ModelSession, type SessionModel } from '../../internal/model-worker.js';
import {
  type CropRect,
  cropJpeg,
  cropPixels,
  FULL_PHOTO,
  isFullPhoto,
  type PreparedPhoto,
  preparePhoto,
} from '../../internal/photo.js';
import { safeAppUrl, safeWebUrl } from '../../internal/safe-url.js';
import { type ShopperError, toShopperError } from '../../internal/shopper-error.js';
import { type FtfStrings, fill, stringsFor } from '../../internal/strings.js';
import { combineQuery } from '../../internal/vector-math.js';
import type { WorkerFallback } from '../../worker/protocol.js';
import { FtfCropper } from '../cropper/ftf-cropper.component.js';
import { findThisFitStyles } from './find-this-fit.styles.js';

if (!customElements.get('ftf-cropper')) customElements.define('ftf-cropper', FtfCropper);

/** Files the widget loads on first use, next to its own script (or under `assets-base`). */
const WORKER_FILE = 'embed-worker.js';
const ORT_FOLDER = 'ort/';
const CONDITIONS: readonly Condition[] = ['new', 'like_new', 'excellent', 'good', 'fair', 'poor'];

type Device = 'auto' | 'webgpu' | 'wasm' | 'server';
type Phase = 'idle' | 'preparing' | 'loading-model' | 'embedding' | 'searching' | 'done' | 'error';

interface FilterForm {
  min: string;
  max: string;
  size: string;
  brand: string;
  condition: string;
}

const NO_FILTERS: FilterForm = Object.freeze({ min: '', max: '', size: '', brand: '', condition: '' });

/** `window.__findThisFitBridge` is one per page: the first widget connected to the iOS host owns it. */
let bridgeOwner: FindThisFitElement | undefined;

/**
 * The widget's own script URL: the base for its worker and ONNX Runtime files. The classic-script build has
 * no `import.meta.url` (it is defined as undefined there) and reads `document.currentScript` while it runs.
 */
const SCRIPT_URL: string =
  import.meta.url ?? (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;

/**
 * Photo → similar second-hand listings. The shopper's photo is embedded **in their browser** (a CLIP-family
 * model in a Web Worker, WebGPU or WASM); only the vector goes to the search server.
 *
 * @summary Visual search for second-hand clothes.
 *
 * @fires ftf-results - Results were shown. `detail.results` holds every result in rank order, `detail.timings` the time per stage.
 * @fires ftf-select - A result was chosen. Cancelable: call `preventDefault()` to open it yourself (`detail.href`).
 * @fires ftf-error - Something failed. `detail.message` is what the shopper was told, `detail.code` is stable.
 * @fires ftf-model-progress - The model is downloading or loading; `detail.totalLoaded` / `detail.totalBytes` cover every file. `detail.status === 'fallback'`: it runs on WASM instead of WebGPU, `detail.reason` says why.
 *
 * @csspart base - The whole widget.
 * @csspart heading - The widget's title.
 * @csspart dropzone - Where a photo is chosen or dropped.
 * @csspart choose-button - "Choose a photo".
 * @csspart cropper - The photo with its crop box.
 * @csspart refine - The text refinement form.
 * @csspart status - The status line (also an ARIA live region).
 * @csspart progress - The model download progress bar.
 * @csspart error - The error message with its retry button.
 * @csspart filters - The filters panel.
 * @csspart results - The results grid.
 * @csspart result - One result card.
 * @csspart result-link - The title link of a result.
 * @csspart more-like-this - A result's "More like this" button.
 * @csspart load-more - "Load more".
 * @csspart empty - The "no good match" message.
 *
 * @cssprop [--ftf-font=system-ui] - Font family.
 * @cssprop [--ftf-bg=#ffffff] - Background.
 * @cssprop [--ftf-fg=#1f1f1f] - Text colour.
 * @cssprop [--ftf-muted=#5b5f66] - Secondary text colour.
 * @cssprop [--ftf-border=#c4c7cc] - Borders.
 * @cssprop [--ftf-card-bg=#ffffff] - Result card background.
 * @cssprop [--ftf-accent=#0b57d0] - Primary buttons and the crop box.
 * @cssprop [--ftf-accent-fg=#ffffff] - Text on the accent colour.
 * @cssprop [--ftf-focus=#b26a00] - Focus ring.
 * @cssprop [--ftf-radius=12px] - Corner radius.
 * @cssprop [--ftf-gap=16px] - Spacing.
 * @cssprop [--ftf-columns-min=160px] - Minimum result card width.
 */
export class FindThisFitElement extends LitElement {
  static override styles = findThisFitStyles;

  static override properties = {
    apiBase: { attribute: 'api-base' },
    apiKey: { attribute: 'api-key' },
    k: { type: Number },
    model: {},
    modelUrl: { attribute: 'model-url' },
    device: {},
    theme: { reflect: true },
    lang: {},
    minScore: { attribute: 'min-score', type: Number },
    openInApp: { attribute: 'open-in-app', type: Boolean },
    assetsBase: { attribute: 'assets-base' },
    strings: { attribute: false },
    _phase: { state: true },
    _photo: { state: true },
    _crop: { state: true },
    _cropDirty: { state: true },
    _refine: { state: true },
    _results: { state: true },
    _kind: { state: true },
    _similarOf: { state: true },
    _hasMore: { state: true },
    _progress: { state: true },
    _error: { state: true },
    _filters: { state: true },
    _facets: { state: true },
    _status: { state: true },
    _dragOver: { state: true },
    _loadingMore: { state: true },
  };

  /** Base URL of the Find This Fit server, e.g. `https://search.example.com`. */
  declare apiBase: string;
  /** Publishable key (`pk_…`), restricted to this site's origin on the server. */
  declare apiKey: string;
  /** Results per page (1–100). */
  declare k: number;
  /** Preset override (e.g. `clip-vit-b32`); by default the model the server announces in `/v1/info`. */
  declare model: string | undefined;
  /** URL of the model folder (self-hosted weights); by default the Hugging Face hub, cached by the browser. */
  declare modelUrl: string | undefined;
  /**
   * Where the photo is embedded: `auto` (WebGPU, else WASM, else the server), `webgpu`, `wasm` or `server`.
   * WebGPU runs fp16 (adapters with `shader-f16`) or fp32, never q8; on any WebGPU failure the model moves to WASM.
   */
  declare device: Device;
  /** `light`, `dark` or `auto` (follows the system). */
  declare theme: 'light' | 'dark' | 'auto';
  /** Language of the built-in strings and of price formatting (BCP 47); defaults to the page's. */
  declare lang: string;
  /** Results scoring below this cosine similarity are not shown; no result left → "no good match". */
  declare minScore: number;
  /** Open results in the marketplace's app (`depop://…`) when they have an app link. */
  declare openInApp: boolean;
  /** URL of the folder holding `embed-worker.js` and `ort/`, when they are not next to the widget's script. */
  declare assetsBase: string | undefined;
  /** Replaces any built-in string (see `FtfStrings`). */
  declare strings: Partial<FtfStrings>;

  declare _phase: Phase;
  declare _photo: PreparedPhoto | undefined;
  declare _crop: CropRect;
  declare _cropDirty: boolean;
  declare _refine: string;
  declare _results: SearchResult[];
  declare _kind: QueryKind;
  declare _similarOf: SearchResult | undefined;
  declare _hasMore: boolean;
  declare _progress: { loaded: number; total: number } | undefined;
  declare _error: ShopperError | undefined;
  declare _filters: FilterForm;
  declare _facets: { sizes: string[]; brands: string[]; currency: string | undefined };
  declare _status: string;
  declare _dragOver: boolean;
  declare _loadingMore: boolean;

  #client: FindThisFit | undefined;
  #info: Promise<InfoResponse> | undefined;
  #session: ModelSession | undefined;
  #model: Promise<SessionModel> | undefined;
  #page: SearchPage | undefined;
  #imageVector: Float32Array | undefined;
  #textVectors = new Map<string, Float32Array>();
  #usedDevice: FtfResultsDetail['device'] = 'none';
  #usedDtype: string | undefined;
  #retry: (() => void) | undefined;
  #generation = 0;
  #fileProgress = new Map<string, { loaded: number; total: number }>();
  #bridge: NativeBridge | undefined;

  constructor() {
    super();
    this.apiBase = '';
    this.apiKey = '';
    this.k = 20;
    this.model = undefined;
    this.modelUrl = undefined;
    this.device = 'auto';
    this.theme = 'auto';
    this.minScore = 0.2;
    this.openInApp = false;
    this.assetsBase = undefined;
    this.strings = {};
    this._phase = 'idle';
    this._photo = undefined;
    this._crop = FULL_PHOTO;
    this._cropDirty = false;
    this._refine = '';
    this._results = [];
    this._kind = 'photo';
    this._similarOf = undefined;
    this._hasMore = false;
    this._progress = undefined;
    this._error = undefined;
    this._filters = NO_FILTERS;
    this._facets = { sizes: [], brands: [], currency: undefined };
    this._status = '';
    this._dragOver = false;
    this._loadingMore = false;
    this.addEventListener('paste', (event) => this.#onPaste(event));
  }

  // --- public API -------------------------------------------------------------------------------------------

  /**
   * Searches with a photo the host already has: a `Blob`/`File`, or a URL (fetched with CORS).
   * Resolves when results (or an error) are shown.
   */
  async searchImage(photo: Blob | string | URL): Promise<void> {
    const generation = ++this.#generation;
    try {
      this.#startBusy('preparing', this.#t.preparingPhoto);
      const blob = typeof photo === 'string' || photo instanceof URL ? await fetchPhoto(photo) : photo;
      if (!(blob instanceof Blob)) throw new TypeError('searchImage expects a Blob, a File or a URL.');
      await this.#usePhoto(blob, generation);
    } catch (error) {
      this.#fail(error, () => void this.searchImage(photo));
    }
  }

  /** Shows listings like a stored listing ("more like this"). */
  async showSimilar(result: SearchResult): Promise<void> {
    const generation = ++this.#generation;
    const started = performance.now();
    try {
      this.#startBusy('searching', this.#t.searching);
      const client = this.#ensureClient();
      const searchStarted = performance.now();
      const page = await client.similar(result.id, { k: this.#k });
      const searchMs = performance.now() - searchStarted;
      if (generation !== this.#generation) return;
      this._similarOf = result;
      await this.#show(page, 'similar', { searchMs, totalMs: 0 }, started, false);
      this.#focus('#results-heading');
    } catch (error) {
      this.#fail(error, () => void this.showSimilar(result));
    }
  }

  /** Clears the photo, results and errors. The loaded model stays in memory for the next search. */
  reset(): void {
    this.#generation++;
    this.#releasePhoto();
    this._crop = FULL_PHOTO;
    this._cropDirty = false;
    this._refine = '';
    this._results = [];
    this._similarOf = undefined;
    this._hasMore = false;
    this._error = undefined;
    this._filters = NO_FILTERS;
    this._phase = 'idle';
    this._status = '';
    this.#page = undefined;
    this.#imageVector = undefined;
  }

  // --- iOS host (WKWebView) -----------------------------------------------------------------------------------

  /** Inside the iOS app, the native host configures the widget, picks photos and opens links. Elsewhere: nothing. */
  async #connectBridge(): Promise<void> {
    const webkit = (window as { webkit?: { messageHandlers?: Record<string, unknown> } }).webkit;
    if (bridgeOwner || !webkit?.messageHandlers?.findThisFit) return;
    bridgeOwner = this;
    try {
      const bridge = await connectNativeBridge(
        window,
        {
          init: (init) => this.#applyHostInit(init),
          searchImage: async (photo) => {
            await this.searchImage(photo.url);
            if (this._error) throw new Error(this._error.code);
            return { resultCount: this._results.length, topIds: this._results.slice(0, 10).map((r) => r.id) };
          },
        },
        { widgetVersion: '0.1.0' },
      );
      if (bridgeOwner !== this || !this.isConnected) {
        bridge?.dispose();
        return;
      }
      this.#bridge = bridge ?? undefined;
      this.requestUpdate();
    } catch (error) {
      if (bridgeOwner === this) bridgeOwner = undefined;
      console.warn('find-this-fit: the iOS host did not answer host.ready', error);
    }
  }

  #applyHostInit(init: HostInit): void {
    this.apiBase = init.apiBase;
    this.apiKey = init.apiKey;
    this.lang = init.locale;
    this.theme = init.theme;
    if (init.k !== undefined) this.k = init.k;
    if (init.model !== undefined) this.model = init.model;
    if (init.device !== undefined) this.device = init.device;
  }

  #hostCan(capability: string): boolean {
    return this.#bridge?.capabilities.includes(capability) ?? false;
  }

  // --- lifecycle --------------------------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#connectBridge();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (bridgeOwner === this) {
      this.#bridge?.dispose();
      this.#bridge = undefined;
      bridgeOwner = undefined;
    }
    this.#session?.terminate();
    this.#session = undefined;
    this.#model = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('apiKey')) {
      this.#client = undefined;
      this.#info = undefined;
    }
    if (changed.has('model') || changed.has('modelUrl') || changed.has('device') || changed.has('apiBase')) {
      this.#model = undefined;
    }
  }

  get #t(): FtfStrings {
    return stringsFor(this.#locale, this.strings);
  }

  get #locale(): string {
    return this.lang || document.documentElement.lang || navigator.language || 'en';
  }

  get #k(): number {
    const k = Math.trunc(Number(this.k));
    return Number.isFinite(k) ? Math.min(100, Math.max(1, k)) : 20;
  }

  // --- the search pipeline ----------------------------------------------------------------------------------

  #ensureClient(): FindThisFit {
    if (!this.apiBase) {
      throw Object.assign(new Error('<find-this-fit> needs an `api-base` attribute (the search server URL).'), {
        code: 'config',
      });
    }
    this.#client ??= new FindThisFit({
      baseURL: this.apiBase,
      apiKey: this.apiKey || undefined,
      maxRetries: 1,
      headers: { 'x-ftf-client': 'widget/0.1.0' },
      // The widget embeds in its own worker; the client never loads a model on the main thread.
      loadEmbedder: () => Promise.reject(new Error('The widget embeds in its worker.')),
    } as ConstructorParameters<typeof FindThisFit>[0]);
    return this.#client;
  }

  #ensureInfo(): Promise<InfoResponse> {
    const client = this.#ensureClient();
    this.#info ??= client.info();
    this.#info.catch(() => {
      this.#info = undefined;
    });
    return this.#info;
  }

  #assetUrl(path: string): URL {
    const base = this.assetsBase ? new URL(this.assetsBase, document.baseURI) : new URL('./', SCRIPT_URL);
    const folder = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
    return new URL(path, folder);
  }

  /** Loads the server's model in the worker once; later searches reuse it. */
  #ensureModel(info: InfoResponse, device: 'auto' | 'webgpu' | 'wasm'): Promise<SessionModel> {
    if (this.#model) return this.#model;
    this.#session ??= new ModelSession(this.#assetUrl(WORKER_FILE), {
      onProgress: (event) => this.#onModelProgress(event),
      onFallback: (event) => this.#onModelFallback(event),
    });
    this.#fileProgress.clear();
    const preset = this.model || info.model.preset;
    // The dtypes the server accepts for queries: WebGPU runs fp16/fp32 among them, WASM the index dtype.
    const accepted = info.model.queryDtypes ?? [{ dtype: info.model.dtype, fingerprint: info.model.fingerprint }];
    const options = {
      preset,
      device,
      wasmPaths: this.#assetUrl(ORT_FOLDER).href,
      ...(this.model ? {} : { dtype: info.model.dtype, allowedDtypes: accepted.map((q) => q.dtype) }),
      ...(this.modelUrl ? { modelDir: workerModelUrl(this.modelUrl) } : {}),
    };
    const model = this.#session.load(options).then((loaded) => {
      if (!accepted.some((q) => q.fingerprint === loaded.queryFingerprint)) {
        throw Object.assign(
          new Error(
            `The model loaded here (${loaded.queryFingerprint}) is not the server's (${info.model.fingerprint}); its vectors would not compare.`,
          ),
          { code: 'model_mismatch' },
        );
      }
      return loaded;
    });
    this.#model = model;
    model.catch(() => {
      if (this.#model === model) this.#model = undefined;
    });
    return model;
  }

  async #usePhoto(blob: Blob, generation: number): Promise<void> {
    const photo = await preparePhoto(blob);
    if (generation !== this.#generation) {
      photo.bitmap.close();
      URL.revokeObjectURL(photo.previewUrl);
      return;
    }
    this.#releasePhoto();
    this._photo = photo;
    this._crop = FULL_PHOTO;
    this._cropDirty = false;
    this._refine = '';
    this._filters = NO_FILTERS;
    this._facets = { sizes: [], brands: [], currency: undefined };
    await this.#searchPhoto(generation, { decodeMs: photo.decodeMs });
  }

  /** Embeds the current crop (and refinement text), then searches. */
  async #searchPhoto(generation: number, timings: Partial<SearchTimings> = {}): Promise<void> {
    const photo = this._photo;
    if (!photo) return;
    const started = performance.now() - (timings.decodeMs ?? 0);
    const info = await this.#ensureInfo();
    const client = this.#ensureClient();
    let page: SearchPage;
    const measured: Partial<SearchTimings> = { ...timings };
    const localDevice = await this.#localDevice(info, generation, measured);
    if (generation !== this.#generation) return;
    if (localDevice) {
      this.#startBusy('embedding', this.#t.searching);
      const pixels = cropPixels(photo.bitmap, this._crop);
      const embedded = await this.#session!.embedImage(pixels);
      this.#imageVector = embedded.vector;
      measured.embedMs = embedded.embedMs;
      const vector = await this.#queryVector(measured);
      if (generation !== this.#generation) return;
      page = await this.#searchVector(vector, measured);
    } else {
      this.#imageVector = undefined;
      this.#startBusy('searching', this.#t.searching);
      const searchStarted = performance.now();
      const jpeg = await cropJpeg(photo.bitmap, this._crop);
      page = await client.search({
        image: jpeg,
        server: true,
        k: this.#k,
        minScore: this.minScore,
        ...this.#searchFilters(),
      });
      measured.searchMs = performance.now() - searchStarted;
      this.#usedDevice = 'server';
      this.#usedDtype = undefined;
    }
    if (generation !== this.#generation) return;
    this._cropDirty = false; // the crop on screen is the one just searched
    await this.#showPhotoResults(page, measured, started);
  }

  /** Searches with a query vector from the local model, timing the request. */
  async #searchVector(vector: Float32Array, measured: Partial<SearchTimings>): Promise<SearchPage> {
    this.#startBusy('searching', this.#t.searching);
    const searchStarted = performance.now();
    // Where the model runs now: after a WebGPU → WASM move the vectors carry the WASM dtype's fingerprint.
    const model = this.#session!.model!;
    const page = await this.#ensureClient().search({
      vector,
      model: model.queryFingerprint,
      k: this.#k,
      minScore: this.minScore,
      ...this.#searchFilters(),
    });
    measured.searchMs = performance.now() - searchStarted;
    this.#usedDevice = model.device;
    this.#usedDtype = model.dtype;
    return page;
  }

  async #showPhotoResults(page: SearchPage, measured: Partial<SearchTimings>, started: number): Promise<void> {
    this._similarOf = undefined;
    await this.#show(page, 'photo', { searchMs: 0, totalMs: 0, ...measured }, started, this.#noFilters());
    this.#focus('#results-heading');
  }

  /** The model to embed with here, or undefined to let the server embed (device=server, or no model here). */
  async #localDevice(
    info: InfoResponse,
    generation: number,
    measured: Partial<SearchTimings>,
  ): Promise<SessionModel | undefined> {
    if (this.device === 'server') return undefined;
    const device = this.device === 'webgpu' || this.device === 'wasm' ? this.device : 'auto';
    const firstLoad = this.#model === undefined;
    if (firstLoad) this.#startBusy('loading-model', this.#t.loadingModel);
    try {
      const model = await this.#ensureModel(info, device);
      if (firstLoad && generation === this.#generation) measured.modelLoadMs = model.loadMs;
      return model;
    } catch (error) {
      // In `auto` mode a device that cannot run the model still gets results, from the server's embedder.
      const code = (error as { code?: unknown }).code;
      if (this.device === 'auto' && info.imageSearch && code !== 'model_mismatch') return undefined;
      throw error;
    } finally {
      this._progress = undefined;
    }
  }

  async #queryVector(measured: Partial<SearchTimings>): Promise<Float32Array> {
    const image = this.#imageVector;
    if (!image) throw new Error('No image embedding.');
    const text = this._refine.trim();
    if (!text) return image;
    let textVector = this.#textVectors.get(text);
    if (!textVector) {
      const embedded = await this.#session!.embedText(text);
      textVector = embedded.vector;
      this.#textVectors.set(text, textVector);
      measured.embedMs = (measured.embedMs ?? 0) + embedded.embedMs;
    }
    return combineQuery(image, textVector);
  }

  /** Re-runs the photo search with new filters or refinement, without embedding the photo again. */
  async #rerun(): Promise<void> {
    const generation = ++this.#generation;
    const started = performance.now();
    try {
      if (!this.#imageVector) {
        await this.#searchPhoto(generation);
        return;
      }
      const model = await this.#model;
      if (!model) {
        await this.#searchPhoto(generation);
        return;
      }
      const measured: Partial<SearchTimings> = {};
      this.#startBusy('embedding', this.#t.searching);
      const vector = await this.#queryVector(measured);
      const page = await this.#searchVector(vector, measured);
      if (generation !== this.#generation) return;
      await this.#showPhotoResults(page, measured, started);
    } catch (error) {
      this.#fail(error, () => void this.#rerun());
    }
  }

  async #loadMore(): Promise<void> {
    const page = this.#page;
    if (!page?.hasNextPage() || this._loadingMore) return;
    const generation = this.#generation;
    const started = performance.now();
    this._loadingMore = true;
    try {
      const next = await page.getNextPage();
      const searchMs = performance.now() - started;
      if (generation !== this.#generation) return;
      const firstNew = this._results.length;
      await this.#show(next, this._kind, { searchMs, totalMs: 0 }, started, false, true);
      this.#focus(`[data-index="${firstNew}"] a`);
    } catch (error) {
      this.#fail(error, () => void this.#loadMore());
    } finally {
      this._loadingMore = false;
    }
  }

  async #show(
    page: SearchPage,
    kind: QueryKind,
    timings: Omit<SearchTimings, 'renderMs'>,
    started: number,
    updateFacets: boolean,
    append = false,
  ): Promise<void> {
    const renderStarted = performance.now();
    const added = page.results;
    this.#page = page;
    this._kind = kind;
    this._results = append ? [...this._results, ...added] : added;
    this._hasMore = page.hasNextPage();
    this._phase = 'done';
    this._error = undefined;
    this.#retry = undefined;
    if (updateFacets) this._facets = facetsOf(this._results);
    this._status =
      this._results.length === 0 ? this.#t.noMatchTitle : fill(this.#t.resultsFound, { count: this._results.length });
    await this.updateComplete;
    // The browser has laid out the new cards once the next frame starts.
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    const now = performance.now();
    const detail: FtfResultsDetail = {
      results: this._results,
      added,
      kind,
      device: kind === 'similar' ? 'none' : this.#usedDevice,
      ...(kind !== 'similar' && this.#usedDtype ? { dtype: this.#usedDtype } : {}),
      hasMore: this._hasMore,
      timings: { ...timings, renderMs: now - renderStarted, totalMs: now - started },
    };
    this.#emit<FtfResultsDetail>('ftf-results', detail);
  }

  // --- state helpers ----------------------------------------------------------------------------------------

  #startBusy(phase: Phase, status: string): void {
    this._phase = phase;
    this._status = status;
    this._error = undefined;
  }

  #fail(error: unknown, retry: () => void): void {
    const shopper = toShopperError(error, this.#t);
    this._phase = 'error';
    this._progress = undefined;
    this._error = shopper;
    this._status = '';
    this.#retry = shopper.retryable ? retry : undefined;
    const detail: FtfErrorDetail = { code: shopper.code, message: shopper.message, detail: shopper.detail };
    if (shopper.status !== undefined) detail.status = shopper.status;
    this.#emit('ftf-error', detail);
    this.#bridge?.log('warn', `search failed: ${shopper.code}`);
    this.#focus(shopper.retryable ? '.error button.primary' : '.error button');
  }

  #emit<T>(type: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  #focus(selector: string): void {
    void this.updateComplete.then(() => {
      (this.renderRoot.querySelector(selector) as HTMLElement | null)?.focus();
    });
  }

  #releasePhoto(): void {
    if (!this._photo) return;
    this._photo.bitmap.close();
    URL.revokeObjectURL(this._photo.previewUrl);
    this._photo = undefined;
  }

  #onModelProgress(event: ModelProgress): void {
    if (event.file && typeof event.total === 'number' && event.total > 0) {
      this.#fileProgress.set(event.file, { loaded: event.loaded ?? 0, total: event.total });
    }
    let loaded = 0;
    let total = 0;
    for (const file of this.#fileProgress.values()) {
      loaded += file.loaded;
      total += file.total;
    }
    if (total > 0) {
      this._progress = { loaded, total };
      const percent = Math.floor((loaded / total) * 100);
      this._status = fill(this.#t.loadingModelBytes, {
        loaded: formatBytes(loaded, this.#locale),
        total: formatBytes(total, this.#locale),
        percent,
      });
    }
    this.#emit<FtfModelProgressDetail>('ftf-model-progress', { ...event, totalLoaded: loaded, totalBytes: total });
  }

  /** The model left (or never used) WebGPU: say where it runs now, and why. */
  #onModelFallback(event: WorkerFallback): void {
    this.#emit<FtfModelProgressDetail>('ftf-model-progress', {
      status: 'fallback',
      ...event,
      totalLoaded: 0,
      totalBytes: 0,
    });
  }

  #noFilters(): boolean {
    const f = this._filters;
    return !f.min && !f.max && !f.size && !f.brand && !f.condition;
  }

  #searchFilters(): { filters?: SearchFilters } {
    const f = this._filters;
    const filters: SearchFilters = {};
    const currency = this._facets.currency;
    const min = f.min === '' ? undefined : Number(f.min);
    const max = f.max === '' ? undefined : Number(f.max);
    if (currency && ((min !== undefined && Number.isFinite(min)) || (max !== undefined && Number.isFinite(max)))) {
      filters.price = { currency };
      if (min !== undefined && Number.isFinite(min)) filters.price.min = toMinorUnits(min, currency);
      if (max !== undefined && Number.isFinite(max)) filters.price.max = toMinorUnits(max, currency);
    }
    if (f.size) filters.sizes = [f.size];
    if (f.brand) filters.brands = [f.brand];
    if (f.condition) filters.conditions = [f.condition as Condition];
    return Object.keys(filters).length === 0 ? {} : { filters };
  }

  // --- input events -----------------------------------------------------------------------------------------

  #openPicker(capture: boolean): void {
    const bridge = this.#bridge;
    if (bridge && this.#hostCan('photo.pick')) {
      void bridge.pickPhoto(capture ? 'camera' : 'library').then(
        (photo) => (photo ? this.searchImage(photo.url) : undefined),
        (error: unknown) => this.#fail(error, () => this.#openPicker(capture)),
      );
      return;
    }
    const input = this.renderRoot.querySelector<HTMLInputElement>(capture ? '#camera' : '#file');
    if (!input) return;
    // showPicker() opens the dialog from a keyboard Enter too (Chromium ignores input.click() during keydown).
    try {
      input.showPicker();
    } catch {
      input.click();
    }
  }

  #onFileChosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.searchImage(file);
  }

  #onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._dragOver = true;
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    this._dragOver = false;
    const file = [...(event.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file) void this.searchImage(file);
    else if (event.dataTransfer?.files.length)
      this.#fail(Object.assign(new Error('Dropped file is not an image.'), { code: 'not_an_image' }), () => {});
  }

  #onPaste(event: ClipboardEvent): void {
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (!file) return;
    event.preventDefault();
    void this.searchImage(file);
  }

  #onCropChange(event: CustomEvent<CropRect>): void {
    this._crop = event.detail;
    this._cropDirty = true;
  }

  #searchCrop(): void {
    const generation = ++this.#generation;
    void this.#searchPhoto(generation).catch((error: unknown) => this.#fail(error, () => this.#searchCrop()));
  }

  #resetCrop(): void {
    this._crop = FULL_PHOTO;
    this.#searchCrop();
  }

  #onRefine(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#refine');
    this._refine = input?.value.trim() ?? '';
    void this.#rerun();
  }

  #clearRefine(): void {
    this._refine = '';
    const input = this.renderRoot.querySelector<HTMLInputElement>('#refine');
    if (input) input.value = '';
    void this.#rerun();
  }

  #onFilters(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    this._filters = {
      min: value('min'),
      max: value('max'),
      size: value('size'),
      brand: value('brand'),
      condition: value('condition'),
    };
    void this.#rerun();
  }

  #clearFilters(): void {
    this._filters = NO_FILTERS;
    void this.#rerun();
  }

  #backToPhoto(): void {
    void this.#rerun();
  }

  #onResultClick(event: MouseEvent, result: SearchResult): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const href = this.#hrefOf(result);
    const webUrl = safeWebUrl(result.url);
    if (!href || !webUrl) {
      // Nothing safe to open (the link was refused at render): never navigate.
      event.preventDefault();
      return;
    }
    const proceed = this.#emit<FtfSelectDetail>('ftf-select', { result, href }, true);
    if (!proceed) {
      event.preventDefault();
      return;
    }
    const bridge = this.#bridge;
    if (bridge && this.#hostCan('result.open')) {
      // The app opens the marketplace app (universal link / custom scheme) or in-app Safari.
      event.preventDefault();
      void bridge.openResult({ url: webUrl, appUrl: safeAppUrl(result.appUrl) ?? null }).catch(() => {
        location.href = webUrl;
      });
      return;
    }
    if (href !== webUrl) {
      // An app link does nothing when the app is missing: fall back to the web page if we are still here.
      event.preventDefault();
      location.href = href;
      setTimeout(() => {
        if (document.visibilityState === 'visible') location.href = webUrl;
      }, 1500);
    }
  }

  /** The link a result opens: its app link when allowed and safe, else its web URL; undefined when neither is safe. */
  #hrefOf(result: SearchResult): string | undefined {
    const app = this.openInApp ? safeAppUrl(result.appUrl) : undefined;
    return app ?? safeWebUrl(result.url);
  }

  // --- rendering --------------------------------------------------------------------------------------------

  override render() {
    const t = this.#t;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${t.heading}</h2>
      ${this.#renderPhotoArea(t)} ${this._photo && this.device !== 'server' ? this.#renderRefine(t) : nothing}
      <p class="status" part="status" role="status" aria-live="polite">${this._status}</p>
      ${
        this._progress
          ? html`<progress
            part="progress"
            aria-label=${t.loadingModel}
            max=${this._progress.total}
            .value=${this._progress.loaded}
          ></progress>`
          : nothing
      }
      ${this.#renderError(t)} ${this.#renderResults(t)}
      <footer>${t.poweredBy}</footer>
    </section>`;
  }

  #renderPhotoArea(t: FtfStrings) {
    const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
    const busy =
      this._phase === 'preparing' ||
      this._phase === 'loading-model' ||
      this._phase === 'embedding' ||
      this._phase === 'searching';
    return html`<div
      class="dropzone ${this._dragOver ? 'over' : ''}"
      part="dropzone"
      @dragover=${this.#onDragOver}
      @dragleave=${() => {
        this._dragOver = false;
      }}
      @drop=${this.#onDrop}
    >
      ${
        this._photo
          ? html`<ftf-cropper
              part="cropper"
              .src=${this._photo.previewUrl}
              .alt=${t.photoAlt}
              .label=${t.cropLabel}
              .help=${t.cropHelp}
              .rect=${this._crop}
              @ftf-crop-change=${this.#onCropChange}
            ></ftf-cropper>
            <div class="row">
              <button class="primary" ?disabled=${busy || !this._cropDirty} @click=${this.#searchCrop}>
                ${t.searchSelection}
              </button>
              <button ?disabled=${busy || isFullPhoto(this._crop)} @click=${this.#resetCrop}>${t.resetCrop}</button>
              <button part="choose-button" @click=${() => this.#openPicker(false)}>${t.choosePhoto}</button>
            </div>`
          : html`<div class="row">
              <button class="primary" part="choose-button" @click=${() => this.#openPicker(false)}>
                ${t.choosePhoto}
              </button>
              ${coarse || this.#hostCan('camera') ? html`<button @click=${() => this.#openPicker(true)}>${t.takePhoto}</button>` : nothing}
            </div>
            <p class="hint">${t.dropHint}. ${t.pasteHint}</p>`
      }
      <input id="file" class="file-input" type="file" accept="image/*" tabindex="-1" aria-hidden="true" @change=${this.#onFileChosen} />
      <input
        id="camera"
        class="file-input"
        type="file"
        accept="image/*"
        capture="environment"
        tabindex="-1"
        aria-hidden="true"
        @change=${this.#onFileChosen}
      />
    </div>`;
  }

  #renderRefine(t: FtfStrings) {
    return html`<form class="refine" part="refine" @submit=${this.#onRefine}>
      <label
        >${t.refineLabel}
        <input id="refine" name="refine" type="text" autocomplete="off" placeholder=${t.refinePlaceholder} .value=${this._refine}
      /></label>
      <button type="submit">${t.refineButton}</button>
      ${this._refine ? html`<button type="button" @click=${this.#clearRefine}>${t.clearRefine}</button>` : nothing}
    </form>`;
  }

  #renderError(t: FtfStrings) {
    const error = this._error;
    if (!error) return nothing;
    return html`<div class="error" part="error" role="alert">
      <p>${error.message}</p>
      ${
        this.#retry
          ? html`<button class="primary" @click=${() => this.#retry?.()}>${t.retry}</button>`
          : html`<button
            @click=${() => {
              this._error = undefined;
            }}
          >
            ${t.dismiss}
          </button>`
      }
    </div>`;
  }

  #renderResults(t: FtfStrings) {
    if (this._phase === 'idle' || (this._results.length === 0 && this._phase !== 'done')) return nothing;
    const heading = this._kind === 'similar' ? t.similarHeading : t.resultsHeading;
    return html`<div class="results-head">
        <h3 id="results-heading" tabindex="-1">${heading}</h3>
        ${
          this._kind === 'similar' && this._photo
            ? html`<button @click=${this.#backToPhoto}>${t.backToPhoto}</button>`
            : nothing
        }
      </div>
      ${this._kind === 'photo' ? this.#renderFilters(t) : nothing}
      ${
        this._results.length === 0 && this._phase === 'done'
          ? html`<div class="empty" part="empty"><h3>${t.noMatchTitle}</h3><p>${t.noMatchBody}</p></div>`
          : html`<ul class="grid" part="results" aria-labelledby="results-heading">
            ${this._results.map((result, index) => this.#renderCard(result, index, t))}
          </ul>`
      }
      ${
        this._hasMore
          ? html`<button class="load-more" part="load-more" ?disabled=${this._loadingMore} @click=${this.#loadMore}>
            ${t.loadMore}
          </button>`
          : nothing
      }`;
  }

  #renderFilters(t: FtfStrings) {
    const f = this._filters;
    const facets = this._facets;
    const active = !this.#noFilters();
    const currency = facets.currency ? ` (${facets.currency})` : '';
    return html`<details class="filters" part="filters" ?open=${active}>
      <summary>${t.filters}</summary>
      <form @submit=${this.#onFilters}>
        <div class="filter-grid">
          <label
            >${t.priceMin}${currency}
            <input name="min" type="number" min="0" step="any" inputmode="decimal" .value=${f.min} ?disabled=${!facets.currency}
          /></label>
          <label
            >${t.priceMax}${currency}
            <input name="max" type="number" min="0" step="any" inputmode="decimal" .value=${f.max} ?disabled=${!facets.currency}
          /></label>
          ${this.#select(
            'size',
            t.size,
            facets.sizes.map((s) => [s, s] as const),
            f.size,
            t,
          )}
          ${this.#select(
            'brand',
            t.brand,
            facets.brands.map((b) => [b, b] as const),
            f.brand,
            t,
          )}
          ${this.#select(
            'condition',
            t.condition,
            CONDITIONS.map((c) => [c, t.conditions[c]] as const),
            f.condition,
            t,
          )}
        </div>
        <div class="row" style="justify-content:flex-start">
          <button class="primary" type="submit">${t.applyFilters}</button>
          ${active ? html`<button type="button" @click=${this.#clearFilters}>${t.clearFilters}</button>` : nothing}
        </div>
      </form>
    </details>`;
  }

  #select(name: string, label: string, options: readonly (readonly [string, string])[], value: string, t: FtfStrings) {
    return html`<label
      >${label}
      <select name=${name}>
        <option value="" ?selected=${value === ''}>${t.any}</option>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
      </select></label
    >`;
  }

  #renderCard(result: SearchResult, index: number, t: FtfStrings) {
    const meta = [
      result.size ? `${t.size} ${result.size}` : '',
      result.brand ?? '',
      result.condition ? t.conditions[result.condition] : '',
    ].filter(Boolean);
    const percent = Math.round(Math.max(0, Math.min(1, result.score)) * 100);
    const href = this.#hrefOf(result);
    const imageUrl = safeWebUrl(result.imageUrl);
    const newTab = href !== undefined && href === result.url;
    return html`<li data-index=${index}>
      <article class="card" part="result">
        <div class="thumb">
          ${
            imageUrl
              ? html`<img src=${imageUrl} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" />`
              : nothing
          }
          <span class="badge">${marketplaceName(result.source)}</span>
        </div>
        <div class="body">
          <h4 class="title">
            <a
              part="result-link"
              href=${href ?? nothing}
              target=${newTab ? '_blank' : nothing}
              rel="noopener noreferrer"
              @click=${(event: MouseEvent) => this.#onResultClick(event, result)}
              >${result.title}</a
            >
          </h4>
          ${result.price ? html`<p class="price">${formatPrice(result.price, this.#locale)}</p>` : nothing}
          ${meta.length ? html`<p class="meta">${meta.join(' · ')}</p>` : nothing}
          <p class="score">${fill(t.similarity, { percent })}</p>
          <button
            class="more"
            part="more-like-this"
            aria-label=${fill(t.moreLikeThisLabel, { title: result.title })}
            @click=${() => void this.showSimilar(result)}
          >
            ${t.moreLikeThis}
          </button>
        </div>
      </article>
    </li>`;
  }
}

/** "depop" → "Depop", an unnamed store "shopify:shop.example" → "shop.example", a named source as named. */
function marketplaceName(source: string): string {
  const host = /^(?:shopify|jsonld):(.+)$/.exec(source)?.[1];
  if (host) return host;
  return source.charAt(0).toUpperCase() + source.slice(1);
}

/** Sizes, brands and the currency seen in results: the choices the filters offer. */
function facetsOf(results: readonly SearchResult[]): {
  sizes: string[];
  brands: string[];
  currency: string | undefined;
} {
  const sizes = new Set<string>();
  const brands = new Set<string>();
  const currencies = new Map<string, number>();
  for (const r of results) {
    if (r.size) sizes.add(r.size);
    if (r.brand) brands.add(r.brand);
    if (r.price) currencies.set(r.price.currency, (currencies.get(r.price.currency) ?? 0) + 1);
  }
  const currency = [...currencies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return { sizes: [...sizes].sort(collator.compare), brands: [...brands].sort(collator.compare), currency };
}

/**
 * The model folder as the worker must see it: resolved against the page (the worker's own base is its script),
 * root-relative when same-origin, absolute for another origin (a CDN; the SDK loads it as a remote folder).
 */
function workerModelUrl(modelUrl: string): string {
  const url = new URL(modelUrl, document.baseURI);
  return url.origin === location.origin ? `${url.pathname}${url.search}` : url.href;
}

async function fetchPhoto(url: string | URL): Promise<Blob> {
  const response = await fetch(url, { mode: 'cors', credentials: 'omit' });
  if (!response.ok) {
    throw Object.assign(new Error(`Fetching the photo failed: HTTP ${response.status}.`), { code: 'unreadable' });
  }
  return response.blob();
}

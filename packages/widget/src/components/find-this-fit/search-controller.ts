import { FindThisFit, type InfoResponse, type SearchPage, type SearchResult } from '@find-this-fit/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FtfEventDetail, FtfEventMap, FtfResultsDetail, QueryKind, SearchTimings } from '../../events.js';
import { formatBytes } from '../../internal/format.js';
import type { SessionModel } from '../../internal/model-worker.js';
import { type CropRect, cropJpeg, cropPixels, FULL_PHOTO, preparePhoto } from '../../internal/photo.js';
import { type ShopperError, toShopperError } from '../../internal/shopper-error.js';
import { type FtfStrings, fill } from '../../internal/strings.js';
import { combineQuery } from '../../internal/vector-math.js';
import { WIDGET_VERSION } from '../../version.js';
import { type FilterForm, facetsOf, isEmpty, NO_FACETS, NO_FILTERS, toSearchFilters } from './filters.js';
import { LocalModel } from './local-model.js';
import { initialSearchState, type Phase, type SearchSettings, type SearchState } from './search-state.js';

export interface SearchControllerOptions {
  settings(): SearchSettings;
  strings(): FtfStrings;
  locale(): string;
  emit<K extends keyof FtfEventMap>(type: K, detail: FtfEventDetail<K>): boolean;
  /** Moves focus to the element's part matching `selector`, after the next render. */
  focus(selector: string): void;
  /** Called after a failure was shown and reported as `ftf-error`. */
  onFailure?(error: ShopperError): void;
}

/**
 * The search pipeline as a Lit reactive controller: the API client and `/v1/info`, the model worker and its
 * lifecycle, photo → (crop, words) → vector → results, paging, and the generation counter that drops answers to
 * searches the shopper has since replaced. The element renders `state` and forwards the shopper's input here.
 */
export class SearchController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: SearchControllerOptions;
  #state: SearchState = initialSearchState();
  #client: FindThisFit | undefined;
  #info: Promise<InfoResponse> | undefined;
  readonly #model = new LocalModel({
    onProgress: (event, loaded, total) => {
      if (total > 0) this.#showDownload(loaded, total);
      this.#options.emit('ftf-model-progress', { ...event, totalLoaded: loaded, totalBytes: total });
    },
    onFallback: (event) => {
      this.#options.emit('ftf-model-progress', { status: 'fallback', ...event, totalLoaded: 0, totalBytes: 0 });
    },
  });
  #page: SearchPage | undefined;
  #imageVector: Float32Array | undefined;
  #textVectors = new Map<string, Float32Array>();
  #usedDevice: FtfResultsDetail['device'] = 'none';
  #usedDtype: string | undefined;
  /** Bumped by every new search; an answer for an older generation is dropped. */
  #generation = 0;

  constructor(host: ReactiveControllerHost, options: SearchControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get state(): Readonly<SearchState> {
    return this.#state;
  }

  hostDisconnected(): void {
    this.#model.terminate();
  }

  /** The server or key changed: the next search makes a new client and asks `/v1/info` again. */
  resetClient(): void {
    this.#client = undefined;
    this.#info = undefined;
  }

  /**
   * `preload`: fetch and compile the runtime (the element became visible). Quiet: a failure here is met again,
   * and shown, by the search that needs the model.
   */
  async warmRuntime(): Promise<void> {
    const settings = this.#options.settings();
    if (settings.device === 'server' || this.#model.loaded) return;
    const device = settings.device === 'webgpu' || settings.device === 'wasm' ? settings.device : 'auto';
    await this.#model.warmRuntime(device, settings).catch(() => undefined);
  }

  /**
   * `preload`: load the model and create its session now (the picker is hovered or focused, or `eager`), so the
   * shopper's photo finds it ready. Quiet, like `warmRuntime`; the search awaits the same load.
   */
  async preloadModel(): Promise<void> {
    const settings = this.#options.settings();
    if (settings.device === 'server' || this.#model.loaded || !settings.apiBase) return;
    const device = settings.device === 'webgpu' || settings.device === 'wasm' ? settings.device : 'auto';
    try {
      await this.#model.load(await this.#ensureInfo(), device, settings);
    } catch {
      // the search that needs the model loads it again and shows why it failed
    }
  }

  /** The model choice changed: the next search loads the model again (the worker stays). */
  resetModel(): void {
    this.#model.forget();
  }

  #set(patch: Partial<SearchState>): void {
    Object.assign(this.#state, patch);
    this.#host.requestUpdate();
  }

  get #strings(): FtfStrings {
    return this.#options.strings();
  }

  // --- what the shopper does ----------------------------------------------------------------------------------

  /** Searches with a photo: a `Blob`/`File`, or a URL (fetched with CORS). Resolves when results or an error show. */
  async searchImage(photo: Blob | string | URL): Promise<void> {
    const generation = ++this.#generation;
    try {
      this.#startBusy('preparing', this.#strings.preparingPhoto);
      const blob = typeof photo === 'string' || photo instanceof URL ? await fetchPhoto(photo) : photo;
      if (!(blob instanceof Blob)) throw new TypeError('searchImage expects a Blob, a File or a URL.');
      await this.#usePhoto(blob, generation);
    } catch (error) {
      this.fail(error, () => void this.searchImage(photo));
    }
  }

  /** Listings like a stored listing ("more like this"). */
  async showSimilar(result: SearchResult): Promise<void> {
    const generation = ++this.#generation;
    const started = performance.now();
    try {
      this.#startBusy('searching', this.#strings.searching);
      const client = this.#ensureClient();
      const searchStarted = performance.now();
      const page = await client.similar(result.id, { k: this.#options.settings().pageSize });
      const searchMs = performance.now() - searchStarted;
      if (generation !== this.#generation) return;
      this.#set({ similarOf: result });
      await this.#show(page, 'similar', { searchMs, totalMs: 0 }, started, false);
      this.#options.focus('#results-heading');
    } catch (error) {
      this.fail(error, () => void this.showSimilar(result));
    }
  }

  /** Clears the photo, results and errors. The loaded model stays in memory for the next search. */
  reset(): void {
    this.#generation++;
    this.#releasePhoto();
    this.#set({
      crop: FULL_PHOTO,
      cropDirty: false,
      refine: '',
      results: [],
      similarOf: undefined,
      hasMore: false,
      error: undefined,
      filters: NO_FILTERS,
      phase: 'idle',
      status: '',
    });
    this.#page = undefined;
    this.#imageVector = undefined;
  }

  moveCrop(crop: CropRect): void {
    this.#set({ crop, cropDirty: true });
  }

  /** Searches the photo again with the crop on screen. */
  searchCrop(): void {
    const generation = ++this.#generation;
    void this.#searchPhoto(generation).catch((error: unknown) => this.fail(error, () => this.searchCrop()));
  }

  resetCrop(): void {
    this.#set({ crop: FULL_PHOTO });
    this.searchCrop();
  }

  /** Refines the photo search with words ('' clears them); the photo is not embedded again. */
  refine(text: string): void {
    this.#set({ refine: text });
    void this.#rerun();
  }

  applyFilters(filters: FilterForm): void {
    this.#set({ filters });
    void this.#rerun();
  }

  clearFilters(): void {
    this.applyFilters(NO_FILTERS);
  }

  /** From "more like this" back to the photo's results. */
  backToPhoto(): void {
    void this.#rerun();
  }

  dismissError(): void {
    this.#set({ error: undefined });
  }

  async loadMore(): Promise<void> {
    const page = this.#page;
    if (!page?.hasNextPage() || this.#state.loadingMore) return;
    const generation = this.#generation;
    const started = performance.now();
    this.#set({ loadingMore: true });
    try {
      const next = await page.getNextPage();
      const searchMs = performance.now() - started;
      if (generation !== this.#generation) return;
      const firstNew = this.#state.results.length;
      await this.#show(next, this.#state.kind, { searchMs, totalMs: 0 }, started, false, true);
      this.#options.focus(`[data-index="${firstNew}"] a`);
    } catch (error) {
      this.fail(error, () => void this.loadMore());
    } finally {
      this.#set({ loadingMore: false });
    }
  }

  /** Shows a failure in the shopper's words, fires `ftf-error`, and offers `retry` when trying again can help. */
  fail(error: unknown, retry: () => void): void {
    const shopper = toShopperError(error, this.#strings);
    this.#set({
      phase: 'error',
      progress: undefined,
      error: shopper,
      status: '',
      retry: shopper.retryable ? retry : undefined,
    });
    const detail: FtfEventDetail<'ftf-error'> = {
      code: shopper.code,
      message: shopper.message,
      detail: shopper.detail,
    };
    if (shopper.status !== undefined) detail.status = shopper.status;
    this.#options.emit('ftf-error', detail);
    this.#options.onFailure?.(shopper);
    this.#options.focus(shopper.retryable ? '.error button.primary' : '.error button');
  }

  // --- client, model and worker -------------------------------------------------------------------------------

  #ensureClient(): FindThisFit {
    const { apiBase, apiKey } = this.#options.settings();
    if (!apiBase) {
      throw Object.assign(new Error('<find-this-fit> needs an `api-base` attribute (the search server URL).'), {
        code: 'config',
      });
    }
    this.#client ??= new FindThisFit({
      baseURL: apiBase,
      apiKey: apiKey || undefined,
      maxRetries: 1,
      headers: { 'x-ftf-client': `widget/${WIDGET_VERSION}` },
      // The widget embeds in its own worker; the client never loads a model on the main thread.
      loadEmbedder: () => Promise.reject(new Error('The widget embeds in its worker.')),
    });
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

  /** The model to embed with here, or undefined to let the server embed (device=server, or no model here). */
  async #localDevice(
    info: InfoResponse,
    generation: number,
    measured: Partial<SearchTimings>,
  ): Promise<SessionModel | undefined> {
    const settings = this.#options.settings();
    const setting = settings.device;
    if (setting === 'server') return undefined;
    const device = setting === 'webgpu' || setting === 'wasm' ? setting : 'auto';
    const firstLoad = this.#model.loaded === undefined;
    if (firstLoad) this.#startBusy('loading-model', this.#strings.loadingModel);
    try {
      const model = await this.#model.load(info, device, settings);
      if (firstLoad && generation === this.#generation) measured.modelLoadMs = model.loadMs;
      return model;
    } catch (error) {
      // In `auto` mode a device that cannot run the model still gets results, from the server's embedder.
      const code = (error as { code?: unknown }).code;
      if (setting === 'auto' && info.imageSearch && code !== 'model_mismatch') return undefined;
      throw error;
    } finally {
      this.#set({ progress: undefined });
    }
  }

  #showDownload(loaded: number, total: number): void {
    const locale = this.#options.locale();
    const percent = Math.floor((loaded / total) * 100);
    this.#set({
      progress: { loaded, total },
      status: fill(this.#strings.loadingModelBytes, {
        loaded: formatBytes(loaded, locale),
        total: formatBytes(total, locale),
        percent,
      }),
    });
  }

  // --- the pipeline -------------------------------------------------------------------------------------------

  async #usePhoto(blob: Blob, generation: number): Promise<void> {
    const photo = await preparePhoto(blob);
    if (generation !== this.#generation) {
      photo.bitmap.close();
      URL.revokeObjectURL(photo.previewUrl);
      return;
    }
    this.#releasePhoto();
    this.#set({ photo, crop: FULL_PHOTO, cropDirty: false, refine: '', filters: NO_FILTERS, facets: NO_FACETS });
    await this.#searchPhoto(generation, { decodeMs: photo.decodeMs });
  }

  /** Embeds the current crop (and refinement text), then searches. */
  async #searchPhoto(generation: number, timings: Partial<SearchTimings> = {}): Promise<void> {
    const photo = this.#state.photo;
    if (!photo) return;
    const started = performance.now() - (timings.decodeMs ?? 0);
    const info = await this.#ensureInfo();
    const client = this.#ensureClient();
    let page: SearchPage;
    const measured: Partial<SearchTimings> = { ...timings };
    const localDevice = await this.#localDevice(info, generation, measured);
    if (generation !== this.#generation) return;
    if (localDevice) {
      this.#startBusy('embedding', this.#strings.searching);
      const pixels = cropPixels(photo.bitmap, this.#state.crop);
      const embedded = await this.#model.embedImage(pixels);
      this.#imageVector = embedded.vector;
      measured.embedMs = embedded.embedMs;
      const vector = await this.#queryVector(measured);
      if (generation !== this.#generation) return;
      page = await this.#searchVector(vector, measured);
    } else {
      this.#imageVector = undefined;
      this.#startBusy('searching', this.#strings.searching);
      const searchStarted = performance.now();
      const jpeg = await cropJpeg(photo.bitmap, this.#state.crop);
      const settings = this.#options.settings();
      page = await client.search({
        image: jpeg,
        server: true,
        k: settings.pageSize,
        minScore: settings.minScore,
        ...this.#searchFilters(),
      });
      measured.searchMs = performance.now() - searchStarted;
      this.#usedDevice = 'server';
      this.#usedDtype = undefined;
    }
    if (generation !== this.#generation) return;
    this.#set({ cropDirty: false }); // the crop on screen is the one just searched
    await this.#showPhotoResults(page, measured, started);
  }

  /** Searches with a query vector from the local model, timing the request. */
  async #searchVector(vector: Float32Array, measured: Partial<SearchTimings>): Promise<SearchPage> {
    this.#startBusy('searching', this.#strings.searching);
    const searchStarted = performance.now();
    const model = this.#model.running;
    const settings = this.#options.settings();
    const page = await this.#ensureClient().search({
      vector,
      model: model.queryFingerprint,
      k: settings.pageSize,
      minScore: settings.minScore,
      ...this.#searchFilters(),
    });
    measured.searchMs = performance.now() - searchStarted;
    this.#usedDevice = model.device;
    this.#usedDtype = model.dtype;
    return page;
  }

  #searchFilters() {
    return toSearchFilters(this.#state.filters, this.#state.facets.currency);
  }

  async #queryVector(measured: Partial<SearchTimings>): Promise<Float32Array> {
    const image = this.#imageVector;
    if (!image) throw new Error('No image embedding.');
    const text = this.#state.refine.trim();
    if (!text) return image;
    let textVector = this.#textVectors.get(text);
    if (!textVector) {
      const embedded = await this.#model.embedText(text);
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
      const model = this.#imageVector ? await this.#model.loaded : undefined;
      if (!model) {
        await this.#searchPhoto(generation);
        return;
      }
      const measured: Partial<SearchTimings> = {};
      this.#startBusy('embedding', this.#strings.searching);
      const vector = await this.#queryVector(measured);
      const page = await this.#searchVector(vector, measured);
      if (generation !== this.#generation) return;
      await this.#showPhotoResults(page, measured, started);
    } catch (error) {
      this.fail(error, () => void this.#rerun());
    }
  }

  async #showPhotoResults(page: SearchPage, measured: Partial<SearchTimings>, started: number): Promise<void> {
    this.#set({ similarOf: undefined });
    const timings = { searchMs: 0, totalMs: 0, ...measured };
    await this.#show(page, 'photo', timings, started, isEmpty(this.#state.filters));
    this.#options.focus('#results-heading');
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
    const results = append ? [...this.#state.results, ...added] : added;
    const strings = this.#strings;
    this.#set({
      kind,
      results,
      hasMore: page.hasNextPage(),
      phase: 'done',
      error: undefined,
      retry: undefined,
      ...(updateFacets ? { facets: facetsOf(results) } : {}),
      status: results.length === 0 ? strings.noMatchTitle : fill(strings.resultsFound, { count: results.length }),
    });
    await this.#host.updateComplete;
    // The browser has laid out the new cards once the next frame starts.
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    const now = performance.now();
    this.#options.emit('ftf-results', {
      results,
      added,
      kind,
      device: kind === 'similar' ? 'none' : this.#usedDevice,
      ...(kind !== 'similar' && this.#usedDtype ? { dtype: this.#usedDtype } : {}),
      hasMore: this.#state.hasMore,
      timings: { ...timings, renderMs: now - renderStarted, totalMs: now - started },
    });
  }

  #startBusy(phase: Phase, status: string): void {
    this.#set({ phase, status, error: undefined });
  }

  #releasePhoto(): void {
    const photo = this.#state.photo;
    if (!photo) return;
    photo.bitmap.close();
    URL.revokeObjectURL(photo.previewUrl);
    this.#set({ photo: undefined });
  }
}

async function fetchPhoto(url: string | URL): Promise<Blob> {
  const response = await fetch(url, { mode: 'cors', credentials: 'omit' });
  if (!response.ok) {
    throw Object.assign(new Error(`Fetching the photo failed: HTTP ${response.status}.`), { code: 'unreadable' });
  }
  return response.blob();
}

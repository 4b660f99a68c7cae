import type { SearchResult } from '@find-this-fit/sdk';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { FtfElement } from '../../internal/ftf-element.js';
import { type CropRect, isFullPhoto } from '../../internal/photo.js';
import { safeAppUrl, safeWebUrl } from '../../internal/safe-url.js';
import { type FtfStrings, stringsFor } from '../../internal/strings.js';
import { FtfCropper } from '../cropper/ftf-cropper.component.js';
import { readFilterForm, renderFilters } from './filters.js';
import { findThisFitStyles } from './find-this-fit.styles.js';
import { NativeHostController } from './native-host-controller.js';
import { type Preload, PreloadController } from './preload-controller.js';
import { renderResultCard, resultHref } from './result-card.js';
import { SearchController } from './search-controller.js';
import type { Device } from './search-state.js';

/**
 * Photo → similar second-hand listings. The shopper's photo is embedded **in their browser** (a CLIP-family
 * model in a Web Worker, WebGPU or WASM); only the vector goes to the search server.
 *
 * The element holds its settings, the shopper's input and the template; the search pipeline and the model
 * worker live in a `SearchController`, the iOS app's bridge in a `NativeHostController`, and the filters panel
 * and result cards are template partials (`filters.ts`, `result-card.ts`).
 *
 * @summary Visual search for second-hand clothes.
 * @dependency ftf-cropper
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
 * @csspart cropper-frame - The cropper's photo and box (its `frame` part).
 * @csspart cropper-box - The crop box itself (the cropper's `box` part).
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
 * @cssprop [--ftf-preview-max-height=320px] - Tallest the photo preview (with its crop box) grows.
 */
export class FindThisFitElement extends FtfElement {
  static override styles = findThisFitStyles;
  static override dependencies = { 'ftf-cropper': FtfCropper };

  /** Base URL of the Find This Fit server, e.g. `https://search.example.com`. */
  @property({ attribute: 'api-base' }) apiBase = '';
  /** Publishable key (`pk_…`), restricted to this site's origin on the server. */
  @property({ attribute: 'api-key' }) apiKey = '';
  /** Results per page (1–100). */
  @property({ type: Number }) k = 20;
  /** Preset override (e.g. `clip-vit-b32`); by default the model the server announces in `/v1/info`. */
  @property() model: string | undefined = undefined;
  /** URL of the model folder (self-hosted weights); by default the Hugging Face hub, cached by the browser. */
  @property({ attribute: 'model-url' }) modelUrl: string | undefined = undefined;
  /**
   * Where the photo is embedded: `auto` (WebGPU, else WASM, else the server), `webgpu`, `wasm` or `server`.
   * WebGPU runs fp16 (adapters with `shader-f16`) or fp32, never q8; on any WebGPU failure the model moves to WASM.
   */
  @property() device: Device = 'auto';
  /** `light`, `dark` or `auto` (follows the system). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** Language of the built-in strings and of price formatting (BCP 47); defaults to the page's. */
  @property() override lang!: string;
  /** Results scoring below this cosine similarity are not shown; no result left → "no good match". */
  @property({ attribute: 'min-score', type: Number }) minScore = 0.2;
  /** Open results in the marketplace's app (`depop://…`) when they have an app link. */
  @property({ attribute: 'open-in-app', type: Boolean }) openInApp = false;
  /** URL of the folder holding `embed-worker.js` and `ort/`, when they are not next to the widget's script. */
  @property({ attribute: 'assets-base' }) assetsBase: string | undefined = undefined;
  /**
   * How early the model is fetched: `none` (default; nothing heavy before a photo is chosen), `visible` (the
   * runtime when the element scrolls into view, the model when the picker is hovered or focused) or `eager` (the
   * model as soon as the element is on the page). See the README for what each costs.
   */
  @property() preload: Preload = 'none';
  /** Replaces any built-in string (see `FtfStrings`). */
  @property({ attribute: false }) strings: Partial<FtfStrings> = {};

  @state() private _dragOver = false;

  readonly #search = new SearchController(this, {
    settings: () => ({
      apiBase: this.apiBase,
      apiKey: this.apiKey,
      pageSize: this.#pageSize,
      model: this.model,
      modelUrl: this.modelUrl,
      device: this.device,
      minScore: this.minScore,
      assetsBase: this.assetsBase,
    }),
    strings: () => this.#strings,
    locale: () => this.#locale,
    emit: (type, detail) => this.emit(type, detail),
    focus: (selector) => this.#focus(selector),
    onFailure: (error) => this.#native.log('warn', `search failed: ${error.code}`),
  });

  readonly #preload = new PreloadController(this, {
    mode: () => (this.preload === 'visible' || this.preload === 'eager' ? this.preload : 'none'),
    warmRuntime: () => this.#search.warmRuntime(),
    preloadModel: () => this.#search.preloadModel(),
  });

  readonly #native = new NativeHostController(this, {
    init: (init) => {
      this.apiBase = init.apiBase;
      this.apiKey = init.apiKey;
      this.lang = init.locale;
      this.theme = init.theme;
      if (init.k !== undefined) this.k = init.k;
      if (init.model !== undefined) this.model = init.model;
      if (init.device !== undefined) this.device = init.device;
    },
    searchImage: async (photo) => {
      await this.searchImage(photo.url);
      const { error, results } = this.#search.state;
      if (error) throw new Error(error.code);
      return { resultCount: results.length, topIds: results.slice(0, 10).map((r) => r.id) };
    },
  });

  constructor() {
    super();
    this.addEventListener('paste', (event) => this.#onPaste(event));
  }

  // --- public API -------------------------------------------------------------------------------------------

  /**
   * Searches with a photo the host already has: a `Blob`/`File`, or a URL (fetched with CORS).
   * Resolves when results (or an error) are shown.
   */
  searchImage(photo: Blob | string | URL): Promise<void> {
    return this.#search.searchImage(photo);
  }

  /** Shows listings like a stored listing ("more like this"). */
  showSimilar(result: SearchResult): Promise<void> {
    return this.#search.showSimilar(result);
  }

  /** Clears the photo, results and errors. The loaded model stays in memory for the next search. */
  reset(): void {
    this.#search.reset();
  }

  // --- lifecycle --------------------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('apiKey')) this.#search.resetClient();
    if (changed.has('model') || changed.has('modelUrl') || changed.has('device') || changed.has('apiBase')) {
      this.#search.resetModel();
    }
  }

  get #strings(): FtfStrings {
    return stringsFor(this.#locale, this.strings);
  }

  get #locale(): string {
    return this.lang || document.documentElement.lang || navigator.language || 'en';
  }

  get #pageSize(): number {
    const k = Math.trunc(Number(this.k));
    return Number.isFinite(k) ? Math.min(100, Math.max(1, k)) : 20;
  }

  #focus(selector: string): void {
    void this.updateComplete.then(() => {
      (this.renderRoot.querySelector(selector) as HTMLElement | null)?.focus();
    });
  }

  // --- input events -----------------------------------------------------------------------------------------

  #openPicker(capture: boolean): void {
    const bridge = this.#native.bridge;
    if (bridge && this.#native.can('photo.pick')) {
      void bridge.pickPhoto(capture ? 'camera' : 'library').then(
        (photo) => (photo ? this.searchImage(photo.url) : undefined),
        (error: unknown) => this.#search.fail(error, () => this.#openPicker(capture)),
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
      this.#search.fail(Object.assign(new Error('Dropped file is not an image.'), { code: 'not_an_image' }), () => {});
  }

  #onPaste(event: ClipboardEvent): void {
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (!file) return;
    event.preventDefault();
    void this.searchImage(file);
  }

  #onRefine(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#refine');
    this.#search.refine(input?.value.trim() ?? '');
  }

  #clearRefine(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#refine');
    if (input) input.value = '';
    this.#search.refine('');
  }

  #onResultClick(event: MouseEvent, result: SearchResult): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const href = resultHref(result, this.openInApp);
    const webUrl = safeWebUrl(result.url);
    if (!href || !webUrl) {
      // Nothing safe to open (the link was refused at render): never navigate.
      event.preventDefault();
      return;
    }
    const proceed = this.emit('ftf-select', { result, href }, { cancelable: true });
    if (!proceed) {
      event.preventDefault();
      return;
    }
    const bridge = this.#native.bridge;
    if (bridge && this.#native.can('result.open')) {
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

  // --- rendering --------------------------------------------------------------------------------------------

  override render() {
    const t = this.#strings;
    const { photo, progress, status } = this.#search.state;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading" part="heading">${t.heading}</h2>
      ${this.#renderPhotoArea(t)} ${photo && this.device !== 'server' ? this.#renderRefine(t) : nothing}
      <p class="status" part="status" role="status" aria-live="polite">${status}</p>
      ${
        progress
          ? html`<progress part="progress" aria-label=${t.loadingModel} max=${progress.total} .value=${progress.loaded}></progress>`
          : nothing
      }
      ${this.#renderError(t)} ${this.#renderResults(t)}
      <footer>${t.poweredBy}</footer>
    </section>`;
  }

  #renderPhotoArea(t: FtfStrings) {
    const { photo, crop, cropDirty, phase } = this.#search.state;
    const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
    const busy = phase === 'preparing' || phase === 'loading-model' || phase === 'embedding' || phase === 'searching';
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
        photo
          ? html`<ftf-cropper
              part="cropper"
              exportparts="frame: cropper-frame, box: cropper-box"
              .src=${photo.previewUrl}
              .alt=${t.photoAlt}
              .label=${t.cropLabel}
              .help=${t.cropHelp}
              .boxRole=${t.cropBoxRole}
              .positionTemplate=${t.cropPosition}
              .rect=${crop}
              @ftf-crop-change=${(event: CustomEvent<CropRect>) => this.#search.moveCrop(event.detail)}
            ></ftf-cropper>
            <div class="row">
              <button class="primary" ?disabled=${busy || !cropDirty} @click=${() => this.#search.searchCrop()}>
                ${t.searchSelection}
              </button>
              <button ?disabled=${busy || isFullPhoto(crop)} @click=${() => this.#search.resetCrop()}>${t.resetCrop}</button>
              <button part="choose-button" @click=${() => this.#openPicker(false)}>${t.choosePhoto}</button>
            </div>`
          : html`<div class="row">
              <button class="primary" part="choose-button" @click=${() => this.#openPicker(false)}>
                ${t.choosePhoto}
              </button>
              ${coarse || this.#native.can('camera') ? html`<button @click=${() => this.#openPicker(true)}>${t.takePhoto}</button>` : nothing}
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
    const { refine } = this.#search.state;
    return html`<form class="refine" part="refine" @submit=${this.#onRefine}>
      <label
        >${t.refineLabel}
        <input id="refine" name="refine" type="text" autocomplete="off" placeholder=${t.refinePlaceholder} .value=${refine}
      /></label>
      <button type="submit">${t.refineButton}</button>
      ${refine ? html`<button type="button" @click=${this.#clearRefine}>${t.clearRefine}</button>` : nothing}
    </form>`;
  }

  #renderError(t: FtfStrings) {
    const { error, retry } = this.#search.state;
    if (!error) return nothing;
    return html`<div class="error" part="error" role="alert">
      <p>${error.message}</p>
      ${
        retry
          ? html`<button class="primary" @click=${() => retry()}>${t.retry}</button>`
          : html`<button @click=${() => this.#search.dismissError()}>${t.dismiss}</button>`
      }
    </div>`;
  }

  #renderResults(t: FtfStrings) {
    const { phase, results, kind, photo, hasMore, loadingMore, filters, facets } = this.#search.state;
    if (phase === 'idle' || (results.length === 0 && phase !== 'done')) return nothing;
    const heading = kind === 'similar' ? t.similarHeading : t.resultsHeading;
    return html`<div class="results-head">
        <h3 id="results-heading" tabindex="-1">${heading}</h3>
        ${
          kind === 'similar' && photo
            ? html`<button @click=${() => this.#search.backToPhoto()}>${t.backToPhoto}</button>`
            : nothing
        }
      </div>
      ${
        kind === 'photo'
          ? renderFilters({
              form: filters,
              facets,
              strings: t,
              onApply: (event) => {
                event.preventDefault();
                this.#search.applyFilters(readFilterForm(event.target as HTMLFormElement));
              },
              onClear: () => this.#search.clearFilters(),
            })
          : nothing
      }
      ${
        results.length === 0 && phase === 'done'
          ? html`<div class="empty" part="empty"><h3>${t.noMatchTitle}</h3><p>${t.noMatchBody}</p></div>`
          : html`<ul class="grid" part="results" aria-labelledby="results-heading">
            ${results.map((result, index) =>
              renderResultCard({
                result,
                index,
                strings: t,
                locale: this.#locale,
                openInApp: this.openInApp,
                onOpen: (event, chosen) => this.#onResultClick(event, chosen),
                onMoreLikeThis: (chosen) => void this.showSimilar(chosen),
              }),
            )}
          </ul>`
      }
      ${
        hasMore
          ? html`<button class="load-more" part="load-more" ?disabled=${loadingMore} @click=${() => this.#search.loadMore()}>
            ${t.loadMore}
          </button>`
          : nothing
      }`;
  }
}

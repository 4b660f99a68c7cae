import type { ReactiveController, ReactiveElement } from 'lit';

/** How early the model's costs are paid: see the `preload` attribute. */
export type Preload = 'none' | 'visible' | 'eager';

export interface PreloadActions {
  mode(): Preload;
  /** Fetch and compile the runtime (no weights). */
  warmRuntime(): Promise<void>;
  /** Load the weights and create the session. */
  preloadModel(): Promise<void>;
}

/**
 * Starts the model's expensive parts before the shopper's photo arrives, as far as the host opted in:
 * `none` (default) waits for a photo; `visible` fetches and compiles the runtime when the element scrolls into
 * view, and loads the model when the picker is hovered or focused (while the shopper chooses a photo); `eager`
 * loads the model as soon as the element is on the page.
 */
export class PreloadController implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #actions: PreloadActions;
  #observer: IntersectionObserver | undefined;
  #armed: Preload = 'none';
  #warmed = false;
  #loaded = false;
  readonly #onIntent = () => this.#load();

  constructor(host: ReactiveElement, actions: PreloadActions) {
    this.#host = host;
    this.#actions = actions;
    host.addController(this);
  }

  hostConnected(): void {
    void this.#host.updateComplete.then(() => this.#sync());
  }

  /** The attribute (or the settings it needs) may arrive after the element is on the page. */
  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#disarm();
    this.#armed = 'none';
  }

  #sync(): void {
    const mode = this.#actions.mode();
    if (!this.#host.isConnected || mode === this.#armed) return;
    this.#disarm();
    this.#armed = mode;
    if (mode === 'eager') {
      this.#load();
      return;
    }
    if (mode !== 'visible') return;
    this.#host.addEventListener('pointerenter', this.#onIntent);
    this.#host.addEventListener('focusin', this.#onIntent);
    this.#observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      this.#observer?.disconnect();
      this.#observer = undefined;
      if (this.#warmed || this.#loaded) return;
      this.#warmed = true;
      void this.#actions.warmRuntime();
    });
    this.#observer.observe(this.#host);
  }

  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    this.#disarm();
    void this.#actions.preloadModel();
  }

  #disarm(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#host.removeEventListener('pointerenter', this.#onIntent);
    this.#host.removeEventListener('focusin', this.#onIntent);
  }
}

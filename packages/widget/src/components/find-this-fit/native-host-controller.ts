import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type BridgeHandlers, connectNativeBridge, type NativeBridge } from '../../bridge/index.js';
import { WIDGET_VERSION } from '../../version.js';

/** `window.__findThisFitBridge` is one per page: the first widget connected to the iOS host owns it. */
let bridgeOwner: NativeHostController | undefined;

/**
 * The iOS app around the widget (a WKWebView with the `findThisFit` message handler), as a Lit reactive
 * controller: it connects when the element does, answers the app through `handlers`, and tells the element what
 * the app can do (pick photos, open results, the camera). Outside the app it does nothing and `can()` is false.
 */
export class NativeHostController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #handlers: BridgeHandlers;
  #bridge: NativeBridge | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, handlers: BridgeHandlers) {
    this.#host = host;
    this.#handlers = handlers;
    host.addController(this);
  }

  hostConnected(): void {
    void this.#connect();
  }

  hostDisconnected(): void {
    if (bridgeOwner !== this) return;
    this.#bridge?.dispose();
    this.#bridge = undefined;
    bridgeOwner = undefined;
  }

  /** The connected app, when there is one. */
  get bridge(): NativeBridge | undefined {
    return this.#bridge;
  }

  /** Whether the app said it supports `capability` (`photo.pick`, `result.open`, `camera`). */
  can(capability: string): boolean {
    return this.#bridge?.capabilities.includes(capability) ?? false;
  }

  /** Fire and forget; never personal data (photos, their URLs, keys, typed text). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.#bridge?.log(level, message);
  }

  async #connect(): Promise<void> {
    const webkit = (window as { webkit?: { messageHandlers?: Record<string, unknown> } }).webkit;
    if (bridgeOwner || !webkit?.messageHandlers?.findThisFit) return;
    bridgeOwner = this;
    try {
      const bridge = await connectNativeBridge(window, this.#handlers, { widgetVersion: WIDGET_VERSION });
      if (bridgeOwner !== this || !this.#host.isConnected) {
        bridge?.dispose();
        return;
      }
      this.#bridge = bridge ?? undefined;
      this.#host.requestUpdate();
    } catch (error) {
      if (bridgeOwner === this) bridgeOwner = undefined;
      console.warn('find-this-fit: the iOS host did not answer host.ready', error);
    }
  }
}

import { LitElement } from 'lit';
import type { FtfEventDetail, FtfEventMap } from '../events.js';

/**
 * The base of the widget's elements, as Shoelace's `ShoelaceElement`: child elements are declared in
 * `static dependencies` and defined when the first instance is made (component files stay free of side effects),
 * and events go through one `emit` typed by the event map in `events.ts`.
 */
export class FtfElement extends LitElement {
  /** Elements this one renders, by tag name; each is defined (once per page) before the first render. */
  static dependencies: Record<string, CustomElementConstructor> = {};

  constructor() {
    super();
    for (const [tag, element] of Object.entries((this.constructor as typeof FtfElement).dependencies)) {
      if (!customElements.get(tag)) customElements.define(tag, element);
    }
  }

  /** Fires a bubbling, composed event; `false` when a listener cancelled a cancelable one. */
  protected emit<K extends keyof FtfEventMap>(
    type: K,
    detail: FtfEventDetail<K>,
    options: { cancelable?: boolean } = {},
  ): boolean {
    const event = new CustomEvent(type, {
      detail,
      bubbles: true,
      composed: true,
      cancelable: options.cancelable ?? false,
    });
    return this.dispatchEvent(event);
  }
}

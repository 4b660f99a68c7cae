// The drop-in entry: importing (or <script>-loading) this file defines <find-this-fit>. Nothing else runs
// until a shopper picks a photo: the model worker, transformers.js and the weights load on first use.
import { FindThisFitElement } from './components/find-this-fit/find-this-fit.component.js';

export * from './index.js';

declare global {
  interface HTMLElementTagNameMap {
    'find-this-fit': FindThisFitElement;
  }
}

if (!customElements.get('find-this-fit')) customElements.define('find-this-fit', FindThisFitElement);

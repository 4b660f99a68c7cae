// Build-time stand-in for '@find-this-fit/sdk/embedder' in the widget's main bundle: the widget embeds in its
// worker (which bundles the real module), so the SDK client's lazy embedder import must not pull
// transformers.js into the page's script. Anything that reaches this is a widget bug, reported as such.
export function createEmbedder(): never {
  throw new Error('find-this-fit: the model runs in the widget worker, not on the main thread (widget bug).');
}

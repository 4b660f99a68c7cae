/**
 * `@find-this-fit/sdk` — the HTTP client, the API types, the vector wire codec and the model contract.
 * It never imports transformers.js: the embedder (`@find-this-fit/sdk/embedder`) is loaded with a dynamic
 * import only when you search by image or text locally. Tree-shaken, the client alone is a few KB.
 */
export * from './api/index.js';
export * from './client/index.js';
export * from './model/index.js';
export { SDK_VERSION } from './version.js';

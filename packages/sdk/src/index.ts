/**
 * `@find-this-fit/sdk` — the plain client entry. It must stay tiny: it never imports transformers.js.
 * The embedder lives at `@find-this-fit/sdk/embedder`, the generator at `@find-this-fit/sdk/fixture`.
 * The HTTP client arrives with the SDK issue; today this entry exports the API types, the vector wire
 * codec and the model contract.
 */
export * from './api/index.js';
export * from './model/index.js';

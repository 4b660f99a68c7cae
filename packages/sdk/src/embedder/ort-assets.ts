/**
 * The ONNX Runtime WASM files transformers.js loads in browsers. Serve them next to your page and pass
 * their URL prefix as `wasmPaths` (we never load them from a CDN).
 */
export const ortWasmFileNames = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
] as const;

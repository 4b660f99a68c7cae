/** The two files of one ONNX Runtime WASM build: its Emscripten JS glue and its WebAssembly module. */
export interface OrtBuildFiles {
  mjs: string;
  wasm: string;
}

/** One build per device: what `wasmPaths` names when given as an object (file URLs, e.g. content-hashed). */
export interface OrtRuntimeUrls {
  /** The plain SIMD(-threaded) CPU build, used when the model runs on WASM. */
  wasm: OrtBuildFiles;
  /** The asyncify build with the WebGPU execution provider, used only when the model runs on WebGPU. */
  webgpu: OrtBuildFiles;
}

/**
 * The ONNX Runtime builds transformers.js can load in browsers, by device. WASM gets the plain CPU build: half
 * the size of the WebGPU one (14 MB vs 27 MB) and without asyncify, whose instrumentation slows the first runs.
 */
export const ortRuntimeFiles: OrtRuntimeUrls = {
  wasm: { mjs: 'ort-wasm-simd-threaded.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
  webgpu: { mjs: 'ort-wasm-simd-threaded.asyncify.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
};

/**
 * The ONNX Runtime WASM files transformers.js loads in browsers (both builds). Serve them next to your page and
 * pass their URL prefix as `wasmPaths` (we never load them from a CDN).
 */
export const ortWasmFileNames = [
  ortRuntimeFiles.wasm.mjs,
  ortRuntimeFiles.wasm.wasm,
  ortRuntimeFiles.webgpu.mjs,
  ortRuntimeFiles.webgpu.wasm,
] as const;

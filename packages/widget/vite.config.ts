import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * Three builds (`FTF_BUILD=es|iife|worker`, run in that order by `pnpm build`, the ONNX Runtime files copied
 * into `dist/ort/` under content-hashed names before the worker build, which bakes their names in):
 * - `es`: `find-this-fit.js`, the element + Lit + the SDK's HTTP client, as an ES module;
 * - `iife`: `find-this-fit.iife.js`, the same for a classic `<script>` drop-in;
 * - `worker`: `embed-worker.js`, transformers.js + ONNX Runtime's JS, loaded only when a shopper searches.
 */
const target = process.env.FTF_BUILD ?? 'es';

// The page bundles never embed on the main thread: keep the SDK client's lazy embedder import out of them.
const noMainThreadEmbedder = {
  '@find-this-fit/sdk/embedder': fileURLToPath(new URL('./src/internal/no-main-thread-embedder.ts', import.meta.url)),
};

/**
 * onnxruntime-web names its default WASM files with `new URL('…', import.meta.url)`; Vite's library mode would
 * inline them as base64 (72 MB). We always pass `wasmPaths` (files served from `ort/`), so those defaults are
 * dead: point them at the worker's own location so Vite leaves them alone.
 */
function keepOrtWasmOut(): Plugin {
  return {
    name: 'ftf-keep-ort-wasm-out',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('onnxruntime-web')) return null;
      const rewritten = code.replace(
        /new URL\(("[^"]+"|'[^']+'),\s*import\.meta\.url\)/g,
        'new URL($1, self.location.href)',
      );
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

/** The content-hashed ONNX Runtime file names (`ftf-models ort-assets dist/ort --hashed`), for the worker build. */
function ortRuntimeManifest(): string {
  const path = fileURLToPath(new URL('./dist/ort/ort-runtime.json', import.meta.url));
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path} is missing: run \`ftf-models ort-assets dist/ort --hashed\` before the worker build.`);
  }
}

const configs: Record<string, UserConfig> = {
  es: {
    // Chunk URLs relative to the widget's own script, wherever a host serves it from.
    base: './',
    resolve: { alias: noMainThreadEmbedder },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: true,
      minify: true,
      // An app-mode build of a JS entry: library mode keeps the ES output's whitespace (2 KB more gzip).
      rollupOptions: {
        input: 'src/find-this-fit.ts',
        preserveEntrySignatures: 'strict',
        output: { format: 'es', entryFileNames: 'find-this-fit.js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  iife: {
    resolve: { alias: noMainThreadEmbedder },
    // A classic script has no import.meta: the element falls back to document.currentScript.
    define: { 'import.meta.url': 'undefined' },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      minify: true,
      lib: {
        entry: 'src/find-this-fit.ts',
        name: 'FindThisFit',
        formats: ['iife'],
        fileName: () => 'find-this-fit.iife.js',
      },
    },
  },
  worker: {
    plugins: [keepOrtWasmOut()],
    define: target === 'worker' ? { __FTF_ORT_RUNTIME__: ortRuntimeManifest() } : {},
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: false,
      minify: true,
      chunkSizeWarningLimit: 4096,
      lib: { entry: 'src/worker/embed-worker.ts', formats: ['es'], fileName: () => 'embed-worker.js' },
    },
  },
};

const config = configs[target];
if (!config) throw new Error(`FTF_BUILD must be es, iife or worker (got ${target})`);
export default defineConfig(config);

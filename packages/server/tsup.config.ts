import { defineConfig } from 'tsup';

// One build (two configs would race on `clean`). The shebang lands in index.js too, where Node ignores it.
export default defineConfig({
  // The PGlite worker thread is loaded by path (new Worker(url)), so it is its own entry beside the bundle.
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'pglite-worker': 'src/store/pglite-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});

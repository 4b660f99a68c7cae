import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'model/index': 'src/model/index.ts',
      'embedder/index': 'src/embedder/index.ts',
      'config/index': 'src/config/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    // The client loads the embedder lazily by its public subpath; never inline it into the client entry.
    external: ['@find-this-fit/sdk/embedder'],
  },
  {
    entry: { 'cli/models': 'src/cli/models.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);

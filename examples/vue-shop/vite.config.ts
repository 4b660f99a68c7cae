import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The widget's model worker and ONNX Runtime files are not part of the JS bundle: they load on first use. Serving the
// widget's dist/ as this app's public folder puts them at the site root (the element gets assets-base="/").
const widgetDist = join(dirname(createRequire(import.meta.url).resolve('@find-this-fit/widget/package.json')), 'dist');

export default defineConfig({
  plugins: [
    vue({
      // Tell Vue's compiler that <find-this-fit> is a custom element, not a Vue component.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'find-this-fit' } },
    }),
  ],
  publicDir: widgetDist,
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});

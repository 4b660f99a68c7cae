import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium, launchChromiumWebGpu } from '@find-this-fit/testing/chromium';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOrtWasmAssets } from '../../src/cli/ort-assets.js';
import { cosineSimilarity, createEmbedder, type ModelDtype, PRESETS } from '../../src/embedder/index.js';
import { ensureRandomVit, onRandomVit } from '../helpers/random-vit.js';

// Browser ↔ Node parity on the default preset's real architecture: the full-size random ViT-B/16 (SigLIP,
// 768-d, 12 layers) under the fashion-siglip contract. WASM runs in every test run; WebGPU on SwiftShader
// emulates the GPU on the CPU (about 6 minutes for this model on 2 vCPUs), so it runs with FTF_FULL_VIT=1
// (`pnpm test:full`).
const FULL = Boolean(process.env.FTF_FULL_VIT);
const PHOTOS = 4;
const preset = onRandomVit(PRESETS['fashion-siglip']);
let work: string;
let server: StaticServer;
let node: Map<ModelDtype, Float32Array[]>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-full-vit-'));
  const images = join(work, 'images');
  await mkdir(images);
  const photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => encode(syntheticPhoto(8000 + i), 'jpeg')));
  await Promise.all(photos.map((photo, i) => writeFile(join(images, `${i}.jpg`), photo)));
  const dir = await ensureRandomVit('vit-b16-siglip', ['q8', 'fp16', 'fp32']);
  node = new Map();
  for (const dtype of ['q8', 'fp32'] as const) {
    const embedder = await createEmbedder({ preset, modelDir: dir, dtype, threads: 1, batchSize: PHOTOS });
    node.set(dtype, await embedder.embedImages(photos));
    await embedder.dispose();
  }
  await copyOrtWasmAssets(join(work, 'ort'));
  const dist = await buildTestPage(resolve(import.meta.dirname, 'page'));
  server = await serveStatic({ '/': dist, '/models/': MODELS_DIR, '/ort/': join(work, 'ort'), '/images/': images });
}, 600_000);

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const urls = Array.from({ length: PHOTOS }, (_, i) => `/images/${i}.jpg`);

/** Loads the model in a fresh page of `browser` and embeds the photos; min cosine against Node per Node dtype. */
async function browserVsNode(browser: Browser, options: { device: 'wasm' | 'auto'; dtype?: ModelDtype }) {
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    const loaded = await page.evaluate((o) => window.ftf.load(o), {
      preset,
      modelDir: '/models/vit-b16-siglip',
      threads: 1,
      ...options,
    });
    const vectors: number[][] = await page.evaluate((u) => window.ftf.embedUrls(u), urls);
    const min = (dtype: ModelDtype) => Math.min(...vectors.map((v, i) => cosineSimilarity(v, node.get(dtype)![i]!)));
    return { loaded, vsQ8: min('q8'), vsFp32: min('fp32') };
  } finally {
    await page.close();
  }
}

describe('full-size ViT-B/16 (fashion-siglip contract): browser ↔ Node', () => {
  it('WASM q8 in Chromium matches Node q8 (the index) per photo, cosine ≥ 0.99', async () => {
    const browser = await launchChromium();
    try {
      const { loaded, vsQ8, vsFp32 } = await browserVsNode(browser, { device: 'wasm' });
      expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
      console.info(`ViT-B/16 WASM q8 vs Node q8: min ${vsQ8.toFixed(5)}; vs Node fp32: min ${vsFp32.toFixed(5)}`);
      expect(vsQ8).toBeGreaterThanOrEqual(0.99);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it.skipIf(!FULL)(
    'WebGPU (SwiftShader) fp32 in Chromium matches Node q8 (the index) and fp32 per photo, cosine ≥ 0.99',
    async () => {
      const browser = await launchChromiumWebGpu();
      try {
        const { loaded, vsQ8, vsFp32 } = await browserVsNode(browser, { device: 'auto' });
        expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
        console.info(`ViT-B/16 WebGPU fp32 vs Node q8: min ${vsQ8.toFixed(5)}; vs Node fp32: min ${vsFp32.toFixed(5)}`);
        expect(vsQ8).toBeGreaterThanOrEqual(0.99);
        expect(vsFp32).toBeGreaterThanOrEqual(0.99);
      } finally {
        await browser.close();
      }
    },
    1_200_000,
  );

  it.skipIf(!FULL)(
    'WASM fp16 in Chromium (an admitted query dtype) matches Node q8, cosine ≥ 0.99',
    async () => {
      const browser = await launchChromium();
      try {
        const { loaded, vsQ8 } = await browserVsNode(browser, { device: 'wasm', dtype: 'fp16' });
        expect(loaded).toMatchObject({ device: 'wasm', dtype: 'fp16' });
        console.info(`ViT-B/16 WASM fp16 vs Node q8: min ${vsQ8.toFixed(5)}`);
        expect(vsQ8).toBeGreaterThanOrEqual(0.99);
      } finally {
        await browser.close();
      }
    },
    600_000,
  );
});

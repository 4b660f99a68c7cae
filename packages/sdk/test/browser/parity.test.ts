import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir, MODELS_DIR } from '@find-this-fit/testing/paths';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOrtWasmAssets } from '../../src/cli/ort-assets.js';
import { cosineSimilarity, createEmbedder } from '../../src/embedder/index.js';

// The guard for the model contract: the browser (onnxruntime-web WASM, canvas decoding and resizing)
// and Node (onnxruntime-node, sharp) must turn the same photo into the same vector.
const COUNT = 20;
let work: string;
let server: StaticServer;
let browser: Browser;
let page: Page;
let nodeVectors: Float32Array[];
let nodeText: Float32Array;
const foreignRequests: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-parity-'));
  const images = join(work, 'images');
  const pngs = await Promise.all(Array.from({ length: COUNT }, (_, i) => encode(syntheticPhoto(2000 + i))));
  await rm(images, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(images));
  await Promise.all(pngs.map((png, i) => writeFile(join(images, `${i}.png`), png)));

  const embedder = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
  nodeVectors = await embedder.embedImages(pngs);
  nodeText = await embedder.embedText('a navy jacket');
  await embedder.dispose();

  const dist = await buildTestPage(resolve(import.meta.dirname, 'page'));
  const ort = join(work, 'ort');
  await copyOrtWasmAssets(ort);
  server = await serveStatic({ '/': dist, '/models/': MODELS_DIR, '/ort/': ort, '/images/': images });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => {
    if (
      !request.url().startsWith(server.url) &&
      !request.url().startsWith('blob:') &&
      !request.url().startsWith('data:')
    ) {
      foreignRequests.push(request.url());
    }
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('browser ↔ Node parity (headless Chromium, WASM)', () => {
  it('loads the same model, by fingerprint, on WASM when there is no GPU', async () => {
    fixtureDir();
    const loaded = await page.evaluate(() =>
      window.ftf.load({ preset: 'fixture', modelDir: '/models/fixture', device: 'auto', threads: 1 }),
    );
    expect(loaded.device).toBe('wasm');
    expect(loaded.fingerprint).toBe('fixture.q8.bc2939fc315d');
  });

  it(`embeds the same ${COUNT} photos with cosine ≥ 0.99 each`, async () => {
    const urls = Array.from({ length: COUNT }, (_, i) => `/images/${i}.png`);
    const browserVectors: number[][] = await page.evaluate((u) => window.ftf.embedUrls(u), urls);
    expect(browserVectors).toHaveLength(COUNT);
    const cosines = browserVectors.map((v, i) => cosineSimilarity(v, nodeVectors[i]!));
    console.info(
      `parity cosine min ${Math.min(...cosines).toFixed(5)} mean ${(cosines.reduce((a, b) => a + b) / COUNT).toFixed(5)}`,
    );
    for (const cosine of cosines) expect(cosine).toBeGreaterThanOrEqual(0.99);
  });

  it('embeds text like Node does (same tokenizer, same encoder)', async () => {
    const vector: number[] = await page.evaluate(() => window.ftf.embedText('a navy jacket'));
    expect(cosineSimilarity(vector, nodeText)).toBeGreaterThanOrEqual(0.999);
  });

  it('accepts Blob, File, ImageBitmap, canvas, ImageData, <img> and URL alike', async () => {
    const kinds: Record<string, number[]> = await page.evaluate(() => window.ftf.embedEveryKind('/images/4.png'));
    expect(Object.keys(kinds).sort()).toEqual(['bitmap', 'blob', 'canvas', 'file', 'imageData', 'img', 'url']);
    for (const [kind, vector] of Object.entries(kinds)) {
      expect(cosineSimilarity(vector, kinds.blob!), kind).toBeGreaterThan(0.999);
      expect(cosineSimilarity(vector, nodeVectors[4]!), kind).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('fetched nothing from outside this origin (ORT WASM files are ours, not a CDN)', () => {
    expect(foreignRequests).toEqual([]);
  });
});

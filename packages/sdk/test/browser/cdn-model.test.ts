import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { fixtureDir, MODELS_DIR } from '@find-this-fit/testing/paths';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOrtWasmAssets } from '../../src/cli/ort-assets.js';
import { cosineSimilarity, createEmbedder } from '../../src/embedder/index.js';
import { COLOUR_WORDS } from '../../src/fixture/index.js';

// A shop serves its page, and a CDN (another origin, CORS on) serves the model folders. transformers.js 4.3 skips
// its existence check for tokenizer files under a local path that is a URL, so text search used to fail there.
let work: string;
let page: StaticServer;
let cdn: StaticServer;
let browser: Browser;
let tab: Page;
const requested: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-cdn-'));
  await copyOrtWasmAssets(join(work, 'ort'));
  const dist = await buildTestPage(resolve(import.meta.dirname, 'page'));
  page = await serveStatic({ '/': dist, '/ort/': join(work, 'ort') });
  cdn = await serveStatic({ '/models/v1/': MODELS_DIR }, { isolated: false, cors: true });
  browser = await launchChromium();
  tab = await browser.newPage();
  tab.on('request', (r) => requested.push(r.url()));
  await tab.goto(page.url);
  await tab.waitForFunction(() => document.title === 'ready');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
  await cdn?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('model folder on another origin (a CDN)', () => {
  for (const name of ['fixture', 'fixture-siglip'] as const) {
    it(`${name}: loads both encoders from the CDN; text vectors match Node's`, async () => {
      const modelDir = `${cdn.url}/models/v1/${name}`;
      const loaded = await tab.evaluate((o) => window.ftf.load(o), { preset: name, modelDir, device: 'wasm' as const });
      expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
      const node = await createEmbedder({ preset: name, modelDir: fixtureDir(name), threads: 1 });
      try {
        for (const word of Object.keys(COLOUR_WORDS).slice(0, 3)) {
          const vector: number[] = await tab.evaluate((w) => window.ftf.embedText(`a ${w} dress`), word);
          expect(cosineSimilarity(vector, await node.embedText(`a ${word} dress`))).toBeGreaterThanOrEqual(0.999);
        }
      } finally {
        await node.dispose();
      }
      const files = requested.filter((u) => u.startsWith(`${modelDir}/`)).map((u) => u.slice(modelDir.length + 1));
      expect(files).toEqual(
        expect.arrayContaining(['tokenizer.json', 'tokenizer_config.json', 'onnx/text_model_quantized.onnx']),
      );
    });
  }

  it('fetched no model file from the page origin', () => {
    expect(requested.filter((u) => u.startsWith(page.url) && /\.(onnx|json)$/.test(u))).toEqual([]);
  });
});

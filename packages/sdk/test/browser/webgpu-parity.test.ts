import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromiumWebGpu } from '@find-this-fit/testing/chromium';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir, MODELS_DIR } from '@find-this-fit/testing/paths';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOrtWasmAssets } from '../../src/cli/ort-assets.js';
import { cosineSimilarity, createEmbedder, fingerprintOf, getPreset } from '../../src/embedder/index.js';

// The WebGPU code path, for real: Chromium's WebGPU on SwiftShader (Vulkan emulated on the CPU) must turn the
// same photos into the vectors Node makes for the index. Correctness only — SwiftShader says nothing about speed.
const COUNT = 12;
let work: string;
let server: StaticServer;
let browser: Browser;
let page: Page;
let nodeQ8: Float32Array[];
let nodeFp32: Float32Array[];
let nodeText: Float32Array;
const onnxRequests: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-webgpu-'));
  const images = join(work, 'images');
  await mkdir(images);
  const pngs = await Promise.all(Array.from({ length: COUNT }, (_, i) => encode(syntheticPhoto(3000 + i))));
  await Promise.all(pngs.map((png, i) => writeFile(join(images, `${i}.png`), png)));

  const q8 = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
  nodeQ8 = await q8.embedImages(pngs);
  nodeText = await q8.embedText('a navy jacket');
  await q8.dispose();
  const fp32 = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), dtype: 'fp32', threads: 1 });
  nodeFp32 = await fp32.embedImages(pngs);
  await fp32.dispose();

  const dist = await buildTestPage(resolve(import.meta.dirname, 'page'));
  await copyOrtWasmAssets(join(work, 'ort'));
  // A self-hosted copy that only has the index dtype's files (no fp32/fp16 for WebGPU).
  const q8Only = join(work, 'q8-only', 'fixture');
  await cp(fixtureDir(), q8Only, { recursive: true });
  await Promise.all(['vision_model', 'vision_model_fp16'].map((f) => rm(join(q8Only, 'onnx', `${f}.onnx`))));
  server = await serveStatic({
    '/': dist,
    '/models/': MODELS_DIR,
    '/q8-only/': join(work, 'q8-only'),
    '/ort/': join(work, 'ort'),
    '/images/': images,
  });
  browser = await launchChromiumWebGpu();
  page = await browser.newPage();
  page.on('request', (r) => {
    if (r.url().endsWith('.onnx') && r.method() === 'GET') onnxRequests.push(new URL(r.url()).pathname);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const urls = Array.from({ length: COUNT }, (_, i) => `/images/${i}.png`);

describe('browser ↔ Node parity on WebGPU (SwiftShader)', () => {
  it('finds a WebGPU adapter without shader-f16, so fp32 is the WebGPU dtype', async () => {
    expect(await page.evaluate(() => window.ftf.probeWebGpu())).toEqual({
      available: true,
      adapter: true,
      shaderF16: false,
    });
  });

  it('auto picks WebGPU in fp32 for the q8 index, never the q8 file', async () => {
    onnxRequests.length = 0;
    const loaded = await page.evaluate(() =>
      window.ftf.load({ preset: 'fixture', modelDir: '/models/fixture', device: 'auto' }),
    );
    expect(loaded).toMatchObject({
      device: 'webgpu',
      dtype: 'fp32',
      fingerprint: fingerprintOf(getPreset('fixture')),
      queryFingerprint: fingerprintOf(getPreset('fixture', { dtype: 'fp32' })),
    });
    expect(onnxRequests).toEqual(['/models/fixture/onnx/vision_model.onnx']);
  });

  it(`embeds ${COUNT} photos like Node: cosine ≥ 0.99 against the q8 index, per photo`, async () => {
    const vectors: number[][] = await page.evaluate((u) => window.ftf.embedUrls(u), urls);
    const vsQ8 = vectors.map((v, i) => cosineSimilarity(v, nodeQ8[i]!));
    const vsFp32 = vectors.map((v, i) => cosineSimilarity(v, nodeFp32[i]!));
    console.info(
      `WebGPU fp32 (SwiftShader) vs Node q8: min ${Math.min(...vsQ8).toFixed(5)}; vs Node fp32: min ${Math.min(...vsFp32).toFixed(5)}`,
    );
    for (const cosine of vsQ8) expect(cosine).toBeGreaterThanOrEqual(0.99);
    for (const cosine of vsFp32) expect(cosine).toBeGreaterThanOrEqual(0.99);
    // Still on the GPU: nothing failed over to WASM on the way.
    expect(await page.evaluate(() => window.ftf.current())).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(await page.evaluate(() => window.ftf.fallbacks())).toEqual([]);
  });

  it('embeds text on WebGPU like Node does', async () => {
    const vector: number[] = await page.evaluate(() => window.ftf.embedText('a navy jacket'));
    expect(cosineSimilarity(vector, nodeText)).toBeGreaterThanOrEqual(0.99);
  });

  it('really computes on the GPU: fp32 on WebGPU and fp32 on WASM agree closely but not bit for bit', async () => {
    const gpu: number[][] = await page.evaluate((u) => window.ftf.embedUrls(u), urls.slice(0, 4));
    await page.evaluate(() =>
      window.ftf.load({ preset: 'fixture', modelDir: '/models/fixture', device: 'wasm', dtype: 'fp32' }),
    );
    const wasm: number[][] = await page.evaluate((u) => window.ftf.embedUrls(u), urls.slice(0, 4));
    for (let i = 0; i < 4; i++) expect(cosineSimilarity(gpu[i]!, wasm[i]!)).toBeGreaterThan(0.9999);
    // Another summation order on the GPU leaves its mark in the last bits (an int8 op left to the CPU would not).
    expect(gpu.some((v, i) => v.some((x, j) => x !== wasm[i]![j]))).toBe(true);
  });
});

describe('WebGPU failures: WASM where nothing has loaded yet, else a typed WebGpuError', () => {
  let fresh: Page;
  afterAll(() => fresh?.close());

  /** A new page whose WebGPU misbehaves as `script` arranges before anything runs. */
  async function pageWith(script: string): Promise<Page> {
    await fresh?.close();
    fresh = await browser.newPage();
    await fresh.addInitScript({ content: script });
    await fresh.goto(server.url);
    await fresh.waitForFunction(() => document.title === 'ready');
    return fresh;
  }
  const fixture = { preset: 'fixture', modelDir: '/models/fixture' } as const;

  it('no admitted WebGPU dtype: q8 is never run on WebGPU; webgpu refuses, or takes WASM when allowed to', async () => {
    const options = { ...fixture, device: 'webgpu', allowedDtypes: ['q8'] } as const;
    const refused = await page.evaluate((o) => window.ftf.load(o).then(String, (e: Error) => e.name), options);
    expect(refused).toBe('EmbedderConfigError');
    const loaded = await page.evaluate((o) => window.ftf.load({ ...o, fallbackToWasm: true }), options);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    const [fallback] = (await page.evaluate(() => window.ftf.fallbacks())).slice(-1);
    expect(fallback).toEqual({
      from: { device: 'webgpu' },
      to: { device: 'wasm', dtype: 'q8' },
      reason: expect.stringMatching(/admits no WebGPU dtype/),
    });
  });

  it('a self-hosted folder without the WebGPU files: auto takes the q8 files on WASM and says so', async () => {
    const p = await pageWith('');
    const loaded = await p.evaluate(() =>
      window.ftf.load({ preset: 'fixture', modelDir: '/q8-only/fixture', device: 'auto' }),
    );
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(await p.evaluate(() => window.ftf.fallbacks())).toEqual([
      {
        from: { device: 'webgpu', dtype: 'fp32' },
        to: { device: 'wasm', dtype: 'q8' },
        reason: expect.stringMatching(/has no "onnx\/vision_model\.onnx"/),
      },
    ]);
  });

  it('an adapter that gives no device (out of memory) is found before loading: auto runs WASM and says why', async () => {
    const p = await pageWith(`GPUAdapter.prototype.requestDevice = () =>
      Promise.reject(new DOMException('simulated: not enough GPU memory', 'OperationError'));`);
    const loaded = await p.evaluate((o) => window.ftf.load({ ...o, device: 'auto' }), fixture);
    expect(loaded).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(await p.evaluate(() => window.ftf.fallbacks())).toEqual([
      {
        from: { device: 'webgpu' },
        to: { device: 'wasm', dtype: 'q8' },
        reason: expect.stringMatching(/gave no device: OperationError: simulated: not enough GPU memory/),
      },
    ]);
    const [vector] = (await p.evaluate((u) => window.ftf.embedUrls(u), urls.slice(0, 1))) as number[][];
    expect(cosineSimilarity(vector!, nodeQ8[0]!)).toBeGreaterThanOrEqual(0.99);
  });

  it('device lost mid-session: a typed WebGpuError with the reason; that realm cannot embed again', async () => {
    const p = await pageWith(`const original = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (descriptor) {
        const device = await original.call(this, descriptor);
        (window.gpuDevices ??= []).push(device);
        return device;
      };`);
    const loaded = await p.evaluate((o) => window.ftf.load({ ...o, device: 'auto' }), fixture);
    expect(loaded).toMatchObject({ device: 'webgpu', dtype: 'fp32' });
    expect(await p.evaluate((u) => window.ftf.embedUrls(u), urls.slice(0, 1))).toHaveLength(1);
    await p.evaluate(() => {
      for (const device of (window as unknown as { gpuDevices: { destroy(): void }[] }).gpuDevices) device.destroy();
    });
    const failure = await p.evaluate(
      (u) =>
        window.ftf.embedUrls(u).then(
          () => null,
          (e: Error & { code?: string; reason?: string }) => ({ name: e.name, code: e.code, reason: e.reason }),
        ),
      urls.slice(1, 2),
    );
    expect(failure).toMatchObject({ name: 'WebGpuError', code: 'webgpu_failed' });
    expect(failure?.reason).toMatch(/lost/i);
    // transformers.js 4.3 chains every later run behind the failed one: even a WASM session cannot embed here.
    // The widget therefore moves to WASM in a new worker (a new realm), as the next page shows.
    const again = await p.evaluate(
      async ({ o, u }) => {
        try {
          await window.ftf.load({ ...o, device: 'wasm' });
          await window.ftf.embedUrls(u);
          return 'embedded';
        } catch {
          return 'failed';
        }
      },
      { o: fixture, u: urls.slice(2, 3) },
    );
    expect(again).toBe('failed');
    const next = await browser.newPage();
    await next.goto(server.url);
    await next.waitForFunction(() => document.title === 'ready');
    await expect(next.evaluate((o) => window.ftf.load({ ...o, device: 'wasm' }), fixture)).resolves.toMatchObject({
      device: 'wasm',
    });
    await next.close();
  });
});

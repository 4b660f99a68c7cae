// pnpm bench:embed — latency and throughput of the presets' two architectures, full size with random weights:
// ViT-B/32 (fashion-clip, clip-vit-b32; 512-d) and ViT-B/16 (fashion-siglip — the default — and siglip-b16;
// 768-d), in Node (onnxruntime-node, 1 and 2 threads), in headless Chromium on WASM (1 and 2 threads), and in
// headless Chromium on WebGPU through SwiftShader. Random weights cost exactly what trained ones do, so the Node
// and WASM numbers stand for the real presets. SwiftShader runs WebGPU on the CPU: its rows check that the
// WebGPU path works end to end and say nothing about speed on a GPU.
// Options: --runs N (default 20), --webgpu-runs N (default 3), --skip-browser, --skip-webgpu,
// --arch vit-b32-clip|vit-b16-siglip, --json FILE.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTestPage } from '@find-this-fit/testing/build-page';
import { launchChromium, launchChromiumWebGpu } from '@find-this-fit/testing/chromium';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { serveStatic } from '@find-this-fit/testing/static-server';
import type { Browser } from 'playwright-core';
import { copyOrtWasmAssets } from '../src/cli/ort-assets.js';
import { createEmbedder, type ModelPreset, PRESETS } from '../src/embedder/index.js';
import type { RandomVitArch } from '../src/fixture/index.js';
import { ensureRandomVit, onRandomVit, REAL_BY_ARCH } from '../test/helpers/random-vit.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'webgpu-runs': { type: 'string', default: '3' },
    'skip-browser': { type: 'boolean', default: false },
    'skip-webgpu': { type: 'boolean', default: false },
    arch: { type: 'string' },
    json: { type: 'string' },
  },
});
const RUNS = Math.max(10, Number(values.runs));
const WEBGPU_RUNS = Math.max(1, Number(values['webgpu-runs']));
const DTYPES = ['q8', 'fp32'] as const;

/** Each architecture under the contract of its first (fashion) preset, on the generated random weights. */
const ARCHS: Record<RandomVitArch, ModelPreset> = {
  'vit-b32-clip': onRandomVit(PRESETS['fashion-clip']),
  'vit-b16-siglip': onRandomVit(PRESETS['fashion-siglip']),
};
const LABEL: Record<RandomVitArch, string> = {
  'vit-b32-clip': `ViT-B/32 (${REAL_BY_ARCH['vit-b32-clip'].map((p) => p.name).join(', ')})`,
  'vit-b16-siglip': `ViT-B/16 (${REAL_BY_ARCH['vit-b16-siglip'].map((p) => p.name).join(', ')})`,
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Row {
  arch: RandomVitArch;
  dtype: string;
  runtime: string;
  loadMs: number;
  /** Whole pipeline: decode + resize + normalise + model + L2. */
  medianMs: number;
  /** The ONNX session alone on a ready pixel tensor (Node only), to show where the time goes. */
  modelOnlyMs?: number;
  imagesPerSecond?: number;
}

/** Median latency of the bare ONNX session (onnxruntime-node) on a random 224×224 input. */
async function modelOnly(dir: string, dtype: string, threads: number): Promise<number> {
  const ort = await import('onnxruntime-node');
  const file = join(dir, 'onnx', dtype === 'q8' ? 'vision_model_quantized.onnx' : 'vision_model.onnx');
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const pixels = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 3 * 224 * 224 }, () => Math.random() * 2 - 1),
    [1, 3, 224, 224],
  );
  for (let i = 0; i < 2; i++) await session.run({ pixel_values: pixels });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await session.run({ pixel_values: pixels });
    times.push(performance.now() - t);
  }
  await session.release();
  return median(times);
}

function ensureModel(arch: RandomVitArch): Promise<string> {
  return ensureRandomVit(arch, DTYPES);
}

async function benchNode(arch: RandomVitArch, dir: string, photos: Buffer[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dtype of DTYPES) {
    for (const threads of [1, 2]) {
      const started = performance.now();
      const embedder = await createEmbedder({ preset: ARCHS[arch], modelDir: dir, dtype, threads, batchSize: 8 });
      const loadMs = performance.now() - started;
      for (let i = 0; i < 2; i++) await embedder.embedImage(photos[i]!);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await embedder.embedImage(photos[i % photos.length]!);
        times.push(performance.now() - t);
      }
      const batches = 3;
      const t = performance.now();
      for (let b = 0; b < batches; b++) await embedder.embedImages(photos.slice(0, 8));
      const imagesPerSecond = (batches * 8) / ((performance.now() - t) / 1000);
      await embedder.dispose();
      const row = {
        arch,
        dtype,
        runtime: `node ${threads} thread${threads > 1 ? 's' : ''}`,
        loadMs,
        medianMs: median(times),
        modelOnlyMs: await modelOnly(dir, dtype, threads),
        imagesPerSecond,
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      rows.push(row);
    }
  }
  return rows;
}

/** A page of the test app on a local static server, and the ORT files it loads. */
async function servePage(photos: Buffer[]) {
  const work = await mkdtemp(join(tmpdir(), 'ftf-bench-'));
  const images = join(work, 'images');
  await mkdir(images);
  await writeFile(join(images, '0.png'), photos[0]!);
  await copyOrtWasmAssets(join(work, 'ort'));
  const dist = await buildTestPage(resolve(import.meta.dirname, '../test/browser/page'));
  const server = await serveStatic({
    '/': dist,
    '/models/': MODELS_DIR,
    '/ort/': join(work, 'ort'),
    '/images/': images,
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

async function benchWasm(
  browser: Browser,
  url: string,
  archs: RandomVitArch[],
  threadCounts: number[],
): Promise<Row[]> {
  const rows: Row[] = [];
  // ORT fixes its WASM thread count when it first starts, so each thread count gets a fresh page.
  for (const threads of threadCounts) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    const crossOriginIsolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    if (threads > 1 && !crossOriginIsolated) throw new Error('page is not cross-origin isolated: no WASM threads');
    // Discarded pass: the first model pays for compiling and tiering up ORT's 26 MB WASM module.
    const first = {
      preset: ARCHS[archs[0]!],
      modelDir: `/models/${archs[0]}`,
      dtype: 'q8' as const,
      device: 'wasm' as const,
      threads,
    };
    await page.evaluate((o) => window.ftf.load(o), first);
    await page.evaluate(() => window.ftf.latency('/images/0.png', 5));
    for (const arch of archs) {
      for (const dtype of DTYPES) {
        const options = { preset: ARCHS[arch], modelDir: `/models/${arch}`, dtype, device: 'wasm' as const, threads };
        const loaded = await page.evaluate((o) => window.ftf.load(o), options);
        const times: number[] = await page.evaluate((runs) => window.ftf.latency('/images/0.png', runs), RUNS);
        const runtime = `chromium wasm ${threads} thread${threads > 1 ? 's' : ''}`;
        const row = { arch, dtype: loaded.dtype, runtime, loadMs: loaded.loadMs, medianMs: median(times) };
        process.stderr.write(`${JSON.stringify(row)}\n`);
        rows.push(row);
      }
    }
    await page.close();
  }
  return rows;
}

/** WebGPU on SwiftShader: what dtype the embedder picks (fp32: no shader-f16) and that it runs, not how fast. */
async function benchWebGpu(browser: Browser, url: string, archs: RandomVitArch[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const arch of archs) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    const options = { preset: ARCHS[arch], modelDir: `/models/${arch}`, device: 'webgpu' as const };
    const loaded = await page.evaluate((o) => window.ftf.load(o), options);
    if (loaded.device !== 'webgpu') throw new Error(`expected WebGPU, got ${loaded.device}`);
    const times: number[] = await page.evaluate((runs) => window.ftf.latency('/images/0.png', runs, 1), WEBGPU_RUNS);
    const runtime = 'chromium webgpu on SwiftShader (CPU emulation: correctness only, not a GPU speed)';
    const row = { arch, dtype: loaded.dtype, runtime, loadMs: loaded.loadMs, medianMs: median(times) };
    process.stderr.write(`${JSON.stringify(row)}\n`);
    rows.push(row);
    await page.close();
  }
  return rows;
}

const archs = (values.arch ? [values.arch] : Object.keys(ARCHS)) as RandomVitArch[];
const photos = await Promise.all(Array.from({ length: 8 }, (_, i) => encode(syntheticPhoto(500 + i), 'jpeg')));
const rows: Row[] = [];
for (const arch of archs) rows.push(...(await benchNode(arch, await ensureModel(arch), photos)));
let chromium = 'skipped';
if (!values['skip-browser']) {
  const page = await servePage(photos);
  try {
    const wasm = await launchChromium();
    chromium = wasm.version();
    rows.push(...(await benchWasm(wasm, page.url, archs, [1, 2]).finally(() => wasm.close())));
    if (!values['skip-webgpu']) {
      const webgpu = await launchChromiumWebGpu();
      rows.push(...(await benchWebGpu(webgpu, page.url, archs).finally(() => webgpu.close())));
    }
  } finally {
    await page.close();
  }
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Chromium ${chromium}`;
const lines = [
  `Machine: ${machine}`,
  `Runs per cell: ${RUNS} (median, after 2 warm-up calls); WebGPU (SwiftShader): ${WEBGPU_RUNS} after 1; throughput: 3 batches of 8.`,
  '',
  '| model | dtype | runtime | load (ms) | latency batch 1 (ms, median) | of which model only (ms) | throughput batch 8 (img/s) |',
  '|---|---|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${LABEL[r.arch]} | ${r.dtype} | ${r.runtime} | ${r.loadMs.toFixed(0)} | ${r.medianMs.toFixed(1)} | ${r.modelOnlyMs?.toFixed(1) ?? '–'} | ${r.imagesPerSecond?.toFixed(1) ?? '–'} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) await writeFile(values.json, JSON.stringify({ machine, runs: RUNS, rows }, null, 2));

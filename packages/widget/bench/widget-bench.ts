// pnpm bench:widget — photo chosen → results rendered, in headless Chromium (WASM), with the full-size randomly
// initialised ViT-B/16 of the default preset (siglip-b16 contract, q8) served from localhost. Per round, alternated:
//   cold: a fresh browser profile (nothing cached), then `--warm` more photos in the same page (warm);
//   secondVisit: the same persistent profile after a browser restart (HTTP cache, compiled-code cache and the
//     Cache API survive, as on a real return visit; a new page in a running browser would hide what that costs);
//   raw: onnxruntime-web alone on the same model file (same CPU build, no widget), the steady-embed baseline.
// Prints per-stage medians with [min–max]; `--json` prints the summary as JSON instead.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCatalogue, renderListingImage } from '@find-this-fit/fixture-marketplace';
import { FindThisFit, fingerprintOf, getPreset } from '@find-this-fit/sdk';
import { createLogger, loadConfig, startServer } from '@find-this-fit/server';
import { writeRandomVit } from '@find-this-fit/testing/fixture-model';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { upscaled } from '@find-this-fit/testing/photos';
import { serveStatic } from '@find-this-fit/testing/static-server';
import { type BrowserContext, chromium } from 'playwright-core';
import type { FtfResultsDetail } from '../src/events.js';
import { DIST_DIR, PUBLISHABLE, SECRET, serveShopPage } from '../test/helpers/widget-env.js';
import { choosePhoto, openWidgetAt } from '../test/helpers/widget-page.js';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    items: { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
    // Serve the shop page cross-origin isolated (COOP same-origin + COEP), so ONNX Runtime may use WASM threads.
    isolated: { type: 'boolean', default: false },
  },
});
const WARM_RUNS = Math.max(1, Number(values.warm));
const ROUNDS = Math.max(1, Number(values.rounds));
const ITEMS = Math.max(100, Number(values.items));
const ARCH = 'vit-b16-siglip';
const PRESET = getPreset('siglip-b16');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function ensureModel(): Promise<string> {
  const dir = resolve(MODELS_DIR, ARCH);
  if (!existsSync(join(dir, 'find-this-fit.json'))) {
    process.stderr.write(`generating ${ARCH} (random weights, the siglip-b16 contract) into ${dir}…\n`);
    await writeRandomVit(dir, { arch: ARCH, onProgress: (m) => process.stderr.write(`  ${m}\n`) });
  }
  return dir;
}

function randomUnitVector(dim: number): number[] {
  const v = Array.from({ length: dim }, () => Math.random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

type Timings = FtfResultsDetail['timings'];
type Stage = 'totalMs' | 'loadMs' | 'firstEmbedMs' | 'searchMs' | 'decodeMs' | 'renderMs';
type Summary = Record<Stage, number> & { n: number; range: Partial<Record<Stage, [number, number]>> };

/** Medians (and ranges) per stage; `loadMs` is the model load, `firstEmbedMs` the embed of that search. */
function summarise(runs: Timings[]): Summary {
  const stage = (pick: (t: Timings) => number | undefined) =>
    runs.map(pick).filter((x): x is number => x !== undefined);
  const stages: Record<Stage, number[]> = {
    totalMs: stage((t) => t.totalMs),
    loadMs: stage((t) => t.modelLoadMs ?? 0),
    firstEmbedMs: stage((t) => t.embedMs),
    searchMs: stage((t) => t.searchMs),
    decodeMs: stage((t) => t.decodeMs),
    renderMs: stage((t) => t.renderMs),
  };
  const out = { n: runs.length, range: {} } as Summary;
  for (const [key, xs] of Object.entries(stages) as [Stage, number[]][]) {
    out[key] = Math.round(median(xs));
    if (xs.length) out.range[key] = [Math.round(Math.min(...xs)), Math.round(Math.max(...xs))];
  }
  return out;
}

/** Debian's Chromium on a persistent profile folder, with the widget tests' flags (WASM only, no GPU). */
function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** onnxruntime-web's own files (the build transformers.js uses), for the raw baseline page. */
function ortWebDist(): string {
  const fromSdk = createRequire(createRequire(import.meta.url).resolve('@find-this-fit/sdk'));
  const fromTransformers = createRequire(fromSdk.resolve('@huggingface/transformers'));
  return dirname(fromTransformers.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
}

/**
 * Raw onnxruntime-web on the same model file, in a fresh profile: session create, first run and the median of
 * `runs` more on a 224×224 input (the same CPU build, single-threaded like the widget on a non-isolated page).
 */
async function rawOrt(
  baseUrl: string,
  runs: number,
): Promise<{ loadMs: number; firstEmbedMs: number; steadyMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ftf-bench-raw-'));
  const context = await launchProfile(dir);
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    return await page.evaluate(
      async ({ baseUrl, runs }) => {
        const ort = await import(`${baseUrl}/ortweb/ort.wasm.min.mjs`);
        ort.env.wasm.wasmPaths = {
          mjs: `${baseUrl}/ortweb/ort-wasm-simd-threaded.mjs`,
          wasm: `${baseUrl}/ortweb/ort-wasm-simd-threaded.wasm`,
        };
        const started = performance.now();
        const bytes = new Uint8Array(
          await (await fetch(`${baseUrl}/models/vit-b16-siglip/onnx/vision_model_quantized.onnx`)).arrayBuffer(),
        );
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
        const loadMs = performance.now() - started;
        const input = new ort.Tensor(
          'float32',
          new Float32Array(3 * 224 * 224).map(() => Math.random()),
          [1, 3, 224, 224],
        );
        // No named function in here: tsx's keepNames would wrap it in a __name() the page does not have.
        const times: number[] = [];
        for (let i = 0; i <= runs; i++) {
          const t = performance.now();
          await session.run({ [session.inputNames[0]]: input });
          times.push(performance.now() - t);
        }
        const firstEmbedMs = times[0] as number;
        const steady = times.slice(1);
        steady.sort((a, b) => a - b);
        return { loadMs, firstEmbedMs, steadyMs: steady[steady.length >> 1] as number };
      },
      { baseUrl, runs },
    );
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  await ensureModel();
  const shop = await serveShopPage();
  const { pageRoot } = shop;
  let pageServer = shop.page;
  if (values.isolated) {
    await pageServer.close();
    pageServer = await serveStatic({ '/widget/': DIST_DIR, '/models/': MODELS_DIR, '/': pageRoot }, { isolated: true });
  }
  const rawServer = await serveStatic(
    { '/ortweb/': ortWebDist(), '/models/': MODELS_DIR, '/': pageRoot },
    { isolated: false },
  );
  const dataDir = join(pageRoot, 'data');
  const config = loadConfig({
    PORT: '0',
    FTF_DATA_DIR: dataDir,
    FTF_MODEL: 'siglip-b16',
    FTF_SECRET_KEYS: SECRET,
    FTF_PUBLISHABLE_KEYS: `${PUBLISHABLE}=${pageServer.url}`,
    FTF_CORS_ORIGINS: pageServer.url,
    FTF_LOG_LEVEL: 'silent',
  });
  const api = await startServer(config, createLogger('silent'));
  const catalogue = generateCatalogue({ count: ITEMS, seed: 3 });
  const admin = new FindThisFit({ baseURL: api.url, apiKey: SECRET });
  process.stderr.write(`seeding ${ITEMS} listings (random 768-d vectors)…\n`);
  await admin.items.upsert(
    catalogue.map((l) => ({
      source: l.source,
      externalId: l.externalId,
      title: l.title,
      brand: l.brand,
      size: l.size,
      condition: l.condition,
      price: l.price,
      url: l.url,
      imageUrl: `${pageServer.url}/listing.jpg`,
      vector: randomUnitVector(PRESET.dim),
    })),
    { model: fingerprintOf(PRESET) },
  );
  const sample = await renderListingImage(catalogue[0]!);
  await import('node:fs/promises').then((fs) => fs.writeFile(join(pageRoot, 'listing.jpg'), sample));
  const photos = await Promise.all(
    catalogue.slice(0, WARM_RUNS + 2).map(async (l) => upscaled(await renderListingImage(l), 1600)),
  );

  const attributes = {
    'api-base': api.url,
    'api-key': PUBLISHABLE,
    'model-url': `/models/${ARCH}`,
    device: 'wasm',
    k: '20',
    'min-score': '-1',
  };
  const cold: Timings[] = [];
  const secondVisit: Timings[] = [];
  const warm: Timings[] = [];
  const raw: { loadMs: number; firstEmbedMs: number; steadyMs: number }[] = [];
  const loads: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      loads.push(loadavg()[0] ?? 0);
      // Alternate which goes first, so drift in the machine's load does not favour one side.
      const widgetRound = async () => {
        const profile = await mkdtemp(join(tmpdir(), 'ftf-bench-profile-'));
        try {
          process.stderr.write(`round ${round + 1}/${ROUNDS}: first visit (fresh profile)…\n`);
          let context = await launchProfile(profile);
          let page = await openWidgetAt(context, pageServer.url, attributes);
          cold.push((await choosePhoto(page, photos[0]!, 'photo.jpg', 600_000)).timings);
          for (let i = 0; i < WARM_RUNS; i++)
            warm.push((await choosePhoto(page, photos[2 + i]!, 'photo.jpg', 600_000)).timings);
          await context.close(); // the browser exits: only what it wrote to the profile survives
          process.stderr.write(`round ${round + 1}/${ROUNDS}: second visit (same profile, browser restarted)…\n`);
          context = await launchProfile(profile);
          page = await openWidgetAt(context, pageServer.url, attributes);
          secondVisit.push((await choosePhoto(page, photos[1]!, 'photo.jpg', 600_000)).timings);
          await context.close();
        } finally {
          await rm(profile, { recursive: true, force: true });
        }
      };
      const rawRound = async () => {
        process.stderr.write(`round ${round + 1}/${ROUNDS}: raw onnxruntime-web…\n`);
        raw.push(await rawOrt(rawServer.url, WARM_RUNS));
      };
      if (round % 2 === 0) {
        await widgetRound();
        await rawRound();
      } else {
        await rawRound();
        await widgetRound();
      }
    }
  } finally {
    await api.close();
    await pageServer.close();
    await rawServer.close();
    await rm(pageRoot, { recursive: true, force: true });
  }
  const warmSummary = summarise(warm);
  const rawSteady = Math.round(median(raw.map((r) => r.steadyMs)));
  const summary = {
    setup: `headless Chromium, WASM (CPU build, ${values.isolated ? 'cross-origin isolated: ONNX Runtime threads on' : '1 thread: page not cross-origin isolated'}), random ViT-B/16 q8 (siglip-b16 contract), ${ITEMS} listings, 1600 px JPEG`,
    rounds: ROUNDS,
    loadAverage: loads.map((l) => Math.round(l * 100) / 100),
    cold: summarise(cold),
    secondVisit: summarise(secondVisit),
    warm: warmSummary,
    rawOrt: {
      n: raw.length,
      loadMs: Math.round(median(raw.map((r) => r.loadMs))),
      firstEmbedMs: Math.round(median(raw.map((r) => r.firstEmbedMs))),
      steadyEmbedMs: rawSteady,
    },
    ratios: {
      secondVisitFirstEmbedOverSteady: +(summarise(secondVisit).firstEmbedMs / warmSummary.firstEmbedMs).toFixed(2),
      coldFirstEmbedOverSteady: +(summarise(cold).firstEmbedMs / warmSummary.firstEmbedMs).toFixed(2),
      steadyOverRawOrt: +(warmSummary.firstEmbedMs / rawSteady).toFixed(2),
    },
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(
    `\nwidget: ${summary.setup}; ${ROUNDS} alternated rounds; load average ${summary.loadAverage.join(', ')}`,
  );
  const cell = (s: Summary, key: Stage) => `${s[key]} [${s.range[key]?.join('–') ?? ''}]`;
  console.table(
    (['cold', 'secondVisit', 'warm'] as const).map((name) => {
      const s = summary[name];
      return {
        scenario: `${name} (n=${s.n})`,
        totalMs: cell(s, 'totalMs'),
        loadMs: cell(s, 'loadMs'),
        firstEmbedMs: cell(s, 'firstEmbedMs'),
        searchMs: cell(s, 'searchMs'),
        decodeMs: cell(s, 'decodeMs'),
        renderMs: cell(s, 'renderMs'),
      };
    }),
  );
  console.log('raw onnxruntime-web, same model file:', summary.rawOrt);
  console.log('ratios:', summary.ratios);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// pnpm bench:widget — photo chosen → results rendered, in headless Chromium (WASM), with the full-size randomly
// initialised ViT-B/16 of the default preset (siglip-b16 contract, q8) served from localhost. Split into
// decode+resize, model load, embed, network+search and render; cold (empty browser cache), second visit (model
// from the Cache API) and warm (model already in the page). Prints a table; numbers go to docs/benchmarks.md.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCatalogue, renderListingImage } from '@find-this-fit/fixture-marketplace';
import { FindThisFit, fingerprintOf, getPreset } from '@find-this-fit/sdk';
import { createLogger, loadConfig, startServer } from '@find-this-fit/server';
import { launchChromium } from '@find-this-fit/testing/chromium';
import { writeRandomVit } from '@find-this-fit/testing/fixture-model';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { upscaled } from '@find-this-fit/testing/photos';
import type { Page } from 'playwright-core';
import type { FtfResultsDetail } from '../src/events.js';
import { PUBLISHABLE, SECRET, serveShopPage } from '../test/helpers/widget-env.js';
import { choosePhoto, openWidgetAt } from '../test/helpers/widget-page.js';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '5' },
    cold: { type: 'string', default: '2' },
    items: { type: 'string', default: '2000' },
  },
});
const WARM_RUNS = Math.max(1, Number(values.warm));
const COLD_RUNS = Math.max(1, Number(values.cold));
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

type Row = { scenario: string } & Partial<
  Record<'decodeMs' | 'modelLoadMs' | 'embedMs' | 'searchMs' | 'renderMs' | 'totalMs', number>
>;

function row(scenario: string, runs: FtfResultsDetail['timings'][]): Row {
  const pick = (key: keyof FtfResultsDetail['timings']) =>
    median(runs.map((t) => t[key]).filter((x): x is number => x !== undefined));
  return {
    scenario: `${scenario} (n=${runs.length})`,
    decodeMs: pick('decodeMs'),
    modelLoadMs: pick('modelLoadMs'),
    embedMs: pick('embedMs'),
    searchMs: pick('searchMs'),
    renderMs: pick('renderMs'),
    totalMs: pick('totalMs'),
  };
}

async function main() {
  await ensureModel();
  const { page: pageServer, pageRoot } = await serveShopPage();
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
    catalogue.slice(0, WARM_RUNS + COLD_RUNS + 1).map(async (l) => upscaled(await renderListingImage(l), 1600)),
  );

  const browser = await launchChromium();
  const attributes = {
    'api-base': api.url,
    'api-key': PUBLISHABLE,
    'model-url': `/models/${ARCH}`,
    device: 'wasm',
    k: '20',
    'min-score': '-1',
  };
  const cold: FtfResultsDetail['timings'][] = [];
  const secondVisit: FtfResultsDetail['timings'][] = [];
  const warm: FtfResultsDetail['timings'][] = [];
  try {
    for (let run = 0; run < COLD_RUNS; run++) {
      const context = await browser.newContext(); // a fresh profile: nothing cached
      let page: Page = await openWidgetAt(context, pageServer.url, attributes);
      process.stderr.write(`cold run ${run + 1}/${COLD_RUNS}…\n`);
      cold.push((await choosePhoto(page, photos[run]!, 'photo.jpg', 600_000)).timings);
      if (run === 0) {
        for (let i = 0; i < WARM_RUNS; i++)
          warm.push((await choosePhoto(page, photos[COLD_RUNS + i]!, 'photo.jpg', 600_000)).timings);
      }
      await page.close();
      page = await openWidgetAt(context, pageServer.url, attributes); // same profile: the model is in the Cache API
      secondVisit.push((await choosePhoto(page, photos[run]!, 'photo.jpg', 600_000)).timings);
      await context.close();
    }
  } finally {
    await browser.close();
    await api.close();
    await pageServer.close();
    await rm(pageRoot, { recursive: true, force: true });
  }
  const rows = [
    row('cold: empty cache, model over localhost', cold),
    row('second visit: model from browser cache', secondVisit),
    row('warm: model loaded, next photo', warm),
  ];
  console.log(
    `\nwidget, headless Chromium ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}, WASM, random ViT-B/16 q8 (siglip-b16 contract), ${ITEMS} listings, photo 1600 px JPEG`,
  );
  console.table(
    rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v])),
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

#!/usr/bin/env node
// Search a Find This Fit server by a photo on disk and print the most similar listings.
//   node search-by-image.mjs photo.jpg [--k 10] [--server]
// Env: FTF_BASE_URL (default http://127.0.0.1:8787), FTF_API_KEY (publishable key, unless the server is open),
//      FTF_MODEL_DIR (a local copy of the server's model; else it loads from the hub), --server = embed server-side.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FindThisFit, isFindThisFitError } from '@find-this-fit/sdk';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { k: { type: 'string', default: '10' }, server: { type: 'boolean', default: false } },
});
const [imagePath] = positionals;
if (!imagePath) {
  console.error('usage: node search-by-image.mjs <photo> [--k 10] [--server]');
  process.exit(1);
}

const client = new FindThisFit({
  embedder: { ...(process.env.FTF_MODEL_DIR ? { modelDir: process.env.FTF_MODEL_DIR } : {}), threads: 1 },
});

const money = (price) =>
  price
    ? new Intl.NumberFormat('en', { style: 'currency', currency: price.currency }).format(
        price.amount /
          10 **
            new Intl.NumberFormat('en', { style: 'currency', currency: price.currency }).resolvedOptions()
              .maximumFractionDigits,
      )
    : '';

try {
  const info = await client.info();
  // The client takes bytes, never a path: it has no file-system branch, so the same code runs in browsers.
  const image = await readFile(imagePath);
  const page = await client.searchByImage(image, { k: Number(values.k), server: values.server });
  console.log(
    `${page.results.length} results from ${info.name} (${info.model.preset}, ${info.items.active} listings) in ${page.tookMs} ms`,
  );
  console.table(
    page.results.map((r, i) => ({
      '#': i + 1,
      score: r.score.toFixed(3),
      title: r.title.slice(0, 40),
      price: money(r.price),
      size: r.size ?? '',
      brand: r.brand ?? '',
      source: r.source,
      url: r.url,
    })),
  );
} catch (error) {
  console.error(isFindThisFitError(error) ? `${error.name} (${error.code}): ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await client.dispose();
}

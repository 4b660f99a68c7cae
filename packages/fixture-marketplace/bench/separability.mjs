// Measures how well the fixture model tells listing photos apart, and how robust it is to a 5 % crop.
// node bench/separability.mjs [count] [seed]
import { resolve } from 'node:path';
import { cosineSimilarity, createEmbedder } from '@find-this-fit/sdk/embedder';
import sharp from 'sharp';
import { generateCatalogue, renderListingImage } from '../src/index.js';

const count = Number(process.argv[2] ?? 60);
const seed = Number(process.argv[3] ?? 1);
const root = resolve(import.meta.dirname, '../../..');
const embedder = await createEmbedder({ preset: 'fixture', modelDir: resolve(root, '.models/fixture'), threads: 1 });
const listings = generateCatalogue({ count, seed });
const images = await Promise.all(listings.map((l) => renderListingImage(l)));
const crops = await Promise.all(
  images.map(async (jpeg) => {
    const { width = 640, height = 640 } = await sharp(jpeg).metadata();
    const keep = Math.sqrt(0.95);
    const w = Math.round(width * keep);
    const h = Math.round(height * keep);
    return sharp(jpeg)
      .extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h })
      .jpeg({ quality: 85 })
      .toBuffer();
  }),
);
const v = await embedder.embedImages(images);
const c = await embedder.embedImages(crops);
const pairs = [];
for (let i = 0; i < v.length; i++)
  for (let j = i + 1; j < v.length; j++) pairs.push([cosineSimilarity(v[i], v[j]), i, j]);
pairs.sort((a, b) => b[0] - a[0]);
const cos = pairs.map((p) => p[0]);
const crop = c.map((x, i) => cosineSimilarity(x, v[i]));
console.log(
  JSON.stringify({
    count,
    seed,
    meanPair: cos.reduce((a, b) => a + b, 0) / cos.length,
    maxPair: cos[0],
    shareBelow09: cos.filter((x) => x < 0.9).length / cos.length,
    minCrop: Math.min(...crop),
  }),
);
for (const [s, i, j] of pairs.slice(0, 8)) console.log(s.toFixed(3), listings[i].title, '|', listings[j].title);
await embedder.dispose();

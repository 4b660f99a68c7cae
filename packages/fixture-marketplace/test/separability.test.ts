import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosineSimilarity, createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, renderListingImage, startFixtureMarketplace } from '../src/index.js';

// The generated fixture model (vitest's global setup writes it): avg-pool to 8×8 + random projection, so it
// sees colour and coarse layout, which is what the photos vary.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MODEL_DIR = resolve(REPO, process.env.FTF_MODELS_ROOT ?? process.env.FTF_MODELS_DIR ?? '.models', 'fixture');

let market: Marketplace;
let embedder: Embedder;
let photos: Buffer[];
let vectors: Float32Array[];

/** Crops `fraction` of the area away (half on each side) and re-encodes as JPEG, as a screenshot would. */
async function cropAndReencode(jpeg: Buffer, fraction: number): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(jpeg).metadata();
  const keep = Math.sqrt(1 - fraction);
  const w = Math.round(width * keep);
  const h = Math.round(height * keep);
  return sharp(jpeg)
    .extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h })
    .jpeg({ quality: 85 })
    .toBuffer();
}

beforeAll(async () => {
  if (!existsSync(resolve(MODEL_DIR, 'find-this-fit.json'))) {
    throw new Error(
      `Fixture model missing at ${MODEL_DIR}: run \`pnpm models:fixture\` (vitest's global setup makes it).`,
    );
  }
  embedder = await createEmbedder({ preset: 'fixture', modelDir: MODEL_DIR, threads: 1 });
  market = await startFixtureMarketplace({ count: 60, seed: 1 });
  // Over real HTTP, as ingest will fetch them.
  photos = await Promise.all(
    market.listings.map(async (l) => Buffer.from(await (await fetch(l.imageUrl)).arrayBuffer())),
  );
  vectors = await embedder.embedImages(photos);
});
afterAll(async () => {
  await market?.close();
  await embedder?.dispose();
});

describe('listing photos seen by the fixture embedder', () => {
  it('serves exactly the bytes renderListingImage makes', async () => {
    for (const [i, listing] of market.listings.slice(0, 5).entries()) {
      expect(photos[i]!.equals(await renderListingImage(listing))).toBe(true);
    }
  });

  it('tells different listings apart: mostly cosine < 0.9', () => {
    const cosines: number[] = [];
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) cosines.push(cosineSimilarity(vectors[i]!, vectors[j]!));
    }
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    const max = Math.max(...cosines);
    const below = cosines.filter((c) => c < 0.9).length / cosines.length;
    console.log(
      `[separability] ${vectors.length} listings, ${cosines.length} pairs: mean cosine ${mean.toFixed(3)}, max ${max.toFixed(3)}, ${(below * 100).toFixed(1)} % of pairs < 0.9`,
    );
    expect(below).toBeGreaterThanOrEqual(0.95);
    expect(mean).toBeLessThan(0.5);
    expect(max).toBeLessThan(0.99);
  });

  it('keeps a 5 % crop re-encoded as JPEG at cosine ≥ 0.97 to its original', async () => {
    const crops = await Promise.all(photos.map((p) => cropAndReencode(p, 0.05)));
    const cropVectors = await embedder.embedImages(crops);
    const cosines = cropVectors.map((v, i) => cosineSimilarity(v, vectors[i]!));
    const min = Math.min(...cosines);
    console.log(
      `[separability] 5 % crop + JPEG re-encode: min cosine ${min.toFixed(4)}, mean ${(cosines.reduce((a, b) => a + b, 0) / cosines.length).toFixed(4)}`,
    );
    expect(min).toBeGreaterThanOrEqual(0.97);
  });

  it('puts a changed photo of the same listing clearly apart from the old one', async () => {
    const listing = market.listings[0]!;
    market.changeImage(listing.key);
    const [changed] = await embedder.embedImages([Buffer.from(await (await fetch(listing.imageUrl)).arrayBuffer())]);
    expect(cosineSimilarity(changed!, vectors[0]!)).toBeLessThan(0.9);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { colourGarmentPhoto, cropAndReencode, encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir } from '@find-this-fit/testing/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  createEmbedder,
  type Embedder,
  fingerprintOf,
  getPreset,
  type ModelProgress,
} from '../../src/embedder/index.js';
import { COLOUR_WORDS } from '../../src/fixture/index.js';

const photos = Array.from({ length: 20 }, (_, i) => syntheticPhoto(1000 + i));
let q8: Embedder;
let pngs: Buffer[];
let originals: Float32Array[];
const progress: ModelProgress[] = [];

beforeAll(async () => {
  q8 = await createEmbedder({
    preset: 'fixture',
    modelDir: fixtureDir(),
    threads: 1,
    onProgress: (e) => progress.push(e),
  });
  pngs = await Promise.all(photos.map((p) => encode(p)));
  originals = await q8.embedImages(pngs);
});
afterAll(() => q8?.dispose());

describe('embedder on the generated fixture model (transformers.js, onnxruntime-node)', () => {
  it('describes the model it runs', () => {
    expect(q8.dim).toBe(128);
    expect(q8.device).toBe('cpu');
    expect(q8.fingerprint).toBe(fingerprintOf(getPreset('fixture')));
    // Node runs the index dtype; a query made here carries the index fingerprint itself.
    expect(q8.dtype).toBe('q8');
    expect(q8.queryFingerprint).toBe(q8.fingerprint);
  });

  it('returns L2-normalised vectors of the model dimension', () => {
    for (const v of originals) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(128);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });

  it('reports load progress in bytes and percent per file, then ready', () => {
    const onnx = progress.filter((e) => e.status === 'progress' && e.file === 'onnx/vision_model_quantized.onnx');
    expect(onnx.length).toBeGreaterThan(0);
    const last = onnx.at(-1)!;
    expect(last.total).toBeGreaterThan(1000);
    expect(last.loaded).toBe(last.total);
    expect(last.percent).toBe(100);
    expect(progress.at(-1)?.status).toBe('ready');
  });

  it('puts a 5 % crop re-encoded as JPEG at cosine ≥ 0.99 of its original', async () => {
    const crops = await Promise.all(photos.map((p) => cropAndReencode(p, 0.05)));
    const vectors = await q8.embedImages(crops);
    const cosines = vectors.map((v, i) => cosineSimilarity(v, originals[i]!));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
  });

  it('scores unrelated photos clearly lower than near-duplicates', () => {
    const unrelated: number[] = [];
    for (let i = 0; i < originals.length; i++) {
      for (let j = i + 1; j < originals.length; j++) unrelated.push(cosineSimilarity(originals[i]!, originals[j]!));
    }
    const mean = unrelated.reduce((a, b) => a + b, 0) / unrelated.length;
    expect(mean).toBeLessThan(0.8);
    expect(Math.max(...unrelated)).toBeLessThan(0.97);
  });

  it('ranks the matching colour first for a colour word', async () => {
    // One photo per distinct colour ("gray" and "grey" share one). "cream" is left out: it sits between
    // white and beige, closer than a random projection of 8×8 pooled pixels can separate.
    const words = Object.keys(COLOUR_WORDS).filter((word) => word !== 'cream');
    const distinct = [...new Map(words.map((word) => [COLOUR_WORDS[word]!.join(), COLOUR_WORDS[word]!])).values()];
    const images = await q8.embedImages(await Promise.all(distinct.map((rgb) => encode(colourGarmentPhoto(rgb)))));
    for (const word of words) {
      const query = await q8.embedText(`a photo of a ${word} shirt`);
      const scores = images.map((image) => cosineSimilarity(query, image));
      const best = distinct[scores.indexOf(Math.max(...scores))];
      expect(best, `query "${word}"`).toEqual(COLOUR_WORDS[word]);
    }
  });

  it('agrees between q8 and fp32 (cosine ≥ 0.99 on every photo)', async () => {
    const fp32 = await createEmbedder({ preset: 'fixture', dtype: 'fp32', modelDir: fixtureDir(), threads: 1 });
    try {
      expect(fp32.fingerprint).not.toBe(q8.fingerprint);
      const vectors = await fp32.embedImages(pngs);
      for (const [i, v] of vectors.entries()) expect(cosineSimilarity(v, originals[i]!)).toBeGreaterThanOrEqual(0.99);
    } finally {
      await fp32.dispose();
    }
  });

  it('embeds a batch like one image at a time', async () => {
    // Dynamic q8 quantisation scales activations per call, so a batch differs from single calls in the 5th decimal.
    for (const i of [0, 7, 19]) {
      const single = await q8.embedImage(pngs[i]!);
      expect(cosineSimilarity(single, originals[i]!)).toBeGreaterThan(0.9999);
    }
  });

  describe('accepts the inputs a Node user has', () => {
    let server: Server;
    let reference: Float32Array;
    let baseUrl: string;
    let file: string;
    beforeAll(async () => {
      file = join(await mkdtemp(join(tmpdir(), 'ftf-img-')), 'photo.png');
      await writeFile(file, pngs[3]!);
      reference = await q8.embedImage(pngs[3]!);
      server = createServer((req, res) => {
        if (req.url === '/photo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(pngs[3]);
        else res.writeHead(404).end();
      });
      await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it.each([
      ['a Buffer', () => pngs[3]!],
      ['a Uint8Array view', () => new Uint8Array(pngs[3]!.buffer, pngs[3]!.byteOffset, pngs[3]!.byteLength)],
      ['an ArrayBuffer', () => new Uint8Array(pngs[3]!).buffer],
      ['a Blob', () => new Blob([new Uint8Array(pngs[3]!)])],
      ['a file path', () => file],
      ['a file: URL', () => pathToFileURL(file)],
      ['an http URL', () => `${baseUrl}/photo.png`],
    ])('%s', async (_label, input) => {
      expect(Array.from(await q8.embedImage(input()))).toEqual(Array.from(reference));
    });
  });

  it('loads the SigLIP-family fixture through SiglipVisionModel with its own fingerprint', async () => {
    const siglip = await createEmbedder({
      preset: 'fixture-siglip',
      modelDir: fixtureDir('fixture-siglip'),
      threads: 1,
    });
    try {
      expect(siglip.fingerprint).not.toBe(q8.fingerprint);
      const [a, b] = await siglip.embedImages([pngs[0]!, await cropAndReencode(photos[0]!, 0.05)]);
      expect(a!.length).toBe(128);
      expect(cosineSimilarity(a!, b!)).toBeGreaterThanOrEqual(0.99);
      const red = await siglip.embedText('red');
      const [redImage, blueImage] = await siglip.embedImages([
        await encode(colourGarmentPhoto(COLOUR_WORDS.red!)),
        await encode(colourGarmentPhoto(COLOUR_WORDS.blue!)),
      ]);
      expect(cosineSimilarity(red, redImage!)).toBeGreaterThan(cosineSimilarity(red, blueImage!));
    } finally {
      await siglip.dispose();
    }
  });
});

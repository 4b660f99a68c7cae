import { resolve } from 'node:path';
import { createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import {
  client,
  listing,
  MODEL,
  PRESET,
  pgliteBackend,
  SECRET,
  serve,
  type TestServer,
  testConfig,
} from './harness.js';

const MODEL_DIR = resolve(import.meta.dirname, '../../../../.models/fixture');

/** A "photo": a seeded pattern of coloured blocks, different per seed. */
async function photo(seed: number, size = 320): Promise<Buffer> {
  const cells = 8;
  const raw = Buffer.alloc(size * size * 3);
  let s = seed * 2654435761;
  const rand = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 16) & 0xff;
  };
  const palette = Array.from({ length: cells * cells }, () => [rand(), rand(), rand()]);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = palette[Math.floor((y * cells) / size) * cells + Math.floor((x * cells) / size)] as number[];
      raw.set(c, (y * size + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('POST /v1/search/image (fixture model, PGlite)', () => {
  const backend = pgliteBackend();
  let store: Store;
  let server: TestServer;
  let embedder: Embedder;
  const photos: Buffer[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    embedder = await createEmbedder({ preset: PRESET, modelDir: MODEL_DIR, threads: 1 });
    for (let i = 0; i < 6; i++) photos.push(await photo(i + 1));
    const items = [];
    for (let i = 0; i < photos.length; i++) {
      items.push(listing(`p${i}`, Array.from(await embedder.embedImage(photos[i] as Buffer))));
    }
    store = await backend.open();
    // The app loads its own embedder lazily from FTF_MODEL_DIR, like production.
    server = await serve(store, testConfig({ FTF_MODEL_DIR: MODEL_DIR, FTF_MAX_IMAGE_PIXELS: '1000000' }));
    const put = await client(server.url)('/v1/items', { method: 'PUT', body: { model: MODEL, items } });
    expect(put.status, put.text).toBe(200);
    ids.push(...put.json.ids);
  });
  afterAll(async () => {
    await server?.close();
    await server?.app.dispose();
    await embedder?.dispose();
    await store?.close();
    await backend.cleanup();
  });

  const post = (body: BodyInit, type?: string, query = '') =>
    fetch(`${server.url}/v1/search/image${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, ...(type ? { 'content-type': type } : {}) },
      body,
    });

  it('finds the near-duplicate of a resized copy first (raw body)', async () => {
    const copy = await sharp(photos[3]).resize(200, 200).png().toBuffer();
    const r = await post(copy, 'image/png', '?k=3');
    const json = (await r.json()) as { results: { id: string; score: number }[]; model: string };
    expect(r.status, JSON.stringify(json)).toBe(200);
    expect(json.model).toBe(MODEL);
    expect(json.results[0]?.id).toBe(ids[3]);
    expect(json.results[0]?.score).toBeGreaterThan(0.95);
    const info = await client(server.url)('/v1/info');
    expect(info.json.imageSearch).toBe(true);
  });

  it('accepts multipart/form-data with an `image` field', async () => {
    const form = new FormData();
    const copy = await sharp(photos[1]).resize(256, 256).webp().toBuffer();
    form.append('image', new Blob([copy], { type: 'image/webp' }), 'photo.webp');
    const r = await post(form);
    const json = (await r.json()) as { results: { id: string }[] };
    expect(r.status, JSON.stringify(json)).toBe(200);
    expect(json.results[0]?.id).toBe(ids[1]);
  });

  it('413 past the pixel limit (checked from the header, before decoding)', async () => {
    const big = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const r = await post(big, 'image/png');
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('400 for a damaged image of an accepted format, 415 for unknown bytes and other media types', async () => {
    const truncated = (photos[0] as Buffer).subarray(0, 600);
    const bad = await post(new Uint8Array(truncated), 'image/jpeg');
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { details: { fields: { field: string }[] } } }).error.details.fields[0]?.field,
    ).toBe('image');
    const unknown = await post(Buffer.from('definitely not a png'), 'image/png');
    expect(unknown.status).toBe(415);
    const wrong = await post('hello', 'text/plain');
    expect(wrong.status).toBe(415);
  });

  it('decides the format from the bytes: SVG, TIFF, AVIF and GIF are 415 whatever the declared type', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><filter id="f"><feTurbulence baseFrequency="0.9" numOctaves="10"/></filter><rect width="100%" height="100%" filter="url(#f)"/></svg>',
    );
    const base = sharp({ create: { width: 64, height: 64, channels: 3, background: '#884422' } });
    const refused: Array<[string, Buffer, string]> = [
      ['SVG', svg, 'image/png'],
      ['TIFF', await base.clone().tiff().toBuffer(), 'image/jpeg'],
      ['AVIF', await base.clone().avif().toBuffer(), 'image/webp'],
      ['GIF', await base.clone().gif().toBuffer(), 'image/png'],
    ];
    for (const [name, bytes, declared] of refused) {
      const raw = await post(new Uint8Array(bytes), declared);
      const json = (await raw.json()) as { error: { code: string; message: string } };
      expect(raw.status, name).toBe(415);
      expect(json.error.code).toBe('unsupported_media_type');
      expect(json.error.message).toContain(name);
      expect(json.error.message).toContain('JPEG, PNG, WebP');
      // The same bytes in a form, declared as a JPEG.
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
      expect((await post(form)).status, `${name} in a form`).toBe(415);
    }
  });

  it('accepts JPEG, PNG and WebP by their bytes, even declared as application/octet-stream', async () => {
    const source = photos[2] as Buffer;
    for (const bytes of [source, await sharp(source).png().toBuffer(), await sharp(source).webp().toBuffer()]) {
      const r = await post(new Uint8Array(bytes), 'application/octet-stream', '?k=1');
      const json = (await r.json()) as { results: { id: string }[] };
      expect(r.status, JSON.stringify(json)).toBe(200);
      expect(json.results[0]?.id).toBe(ids[2]);
    }
  });

  it('503 model_unavailable when the model folder cannot be loaded', async () => {
    const broken = await serve(store, testConfig({ FTF_MODEL_DIR: '/nonexistent/ftf-model' }));
    try {
      const r = await fetch(`${broken.url}/v1/search/image`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'image/jpeg' },
        body: new Uint8Array(photos[0] as Buffer),
      });
      const json = (await r.json()) as { error: { code: string; message: string } };
      expect(r.status).toBe(503);
      expect(r.headers.get('x-request-id')).toBeTruthy();
      expect(json.error.code).toBe('model_unavailable');
      expect(json.error.message).toContain('/nonexistent/ftf-model');
    } finally {
      await broken.close();
    }
  });
});

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBounded } from '../../src/image-check.js';
import { assertAcceptedImage, heicSupported, sniffImageFormat } from '../../src/image-format.js';
import { OverloadedError, WorkQueue } from '../../src/work-queue.js';

const ftyp = (major: string, ...compatible: string[]) => {
  const brands = [major, '\0\0\0\0', ...compatible].join('');
  const box = Buffer.alloc(8 + brands.length + 16);
  box.writeUInt32BE(8 + brands.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brands, 8, 'latin1');
  return box;
};

describe('image format from magic bytes', () => {
  it('knows the accepted formats from real encoder output', async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } });
    expect(sniffImageFormat(await base.clone().jpeg().toBuffer())).toEqual({ accepted: 'jpeg' });
    expect(sniffImageFormat(await base.clone().png().toBuffer())).toEqual({ accepted: 'png' });
    expect(sniffImageFormat(await base.clone().webp().toBuffer())).toEqual({ accepted: 'webp' });
    expect(sniffImageFormat(await base.clone().avif().toBuffer())).toEqual({ refused: 'AVIF' });
    expect(sniffImageFormat(await base.clone().tiff().toBuffer())).toEqual({ refused: 'TIFF' });
    expect(sniffImageFormat(await base.clone().gif().toBuffer())).toEqual({ refused: 'GIF' });
  });

  it('tells HEIC (what iPhones send) from AVIF by the ftyp brands', () => {
    expect(sniffImageFormat(ftyp('heic', 'mif1', 'heic'))).toEqual({ accepted: 'heif' });
    expect(sniffImageFormat(ftyp('mif1', 'mif1', 'heic'))).toEqual({ accepted: 'heif' });
    expect(sniffImageFormat(ftyp('mif1', 'mif1', 'avif'))).toEqual({ refused: 'AVIF' });
    expect(sniffImageFormat(ftyp('isom', 'mp41'))).toEqual({ refused: 'ISO media (isom)' });
    // This machine's sharp: HEIC is accepted exactly when libheif can decode it.
    const heic = ftyp('heic', 'mif1');
    if (heicSupported()) expect(assertAcceptedImage(heic)).toBe('heif');
    else expect(() => assertAcceptedImage(heic)).toThrow(/HEIC/);
  });

  it('refuses SVG however it starts, and anything unrecognised', () => {
    for (const svg of ['<svg/>', '  <?xml version="1.0"?><svg/>', '\uFEFF<svg/>', '<!-- x --><svg/>']) {
      expect(sniffImageFormat(Buffer.from(svg))).toEqual({ refused: 'SVG/XML' });
    }
    expect(() => assertAcceptedImage(Buffer.from('<svg/>'))).toThrow(/SVG.*JPEG, PNG, WebP/);
    expect(sniffImageFormat(Buffer.alloc(0))).toEqual({ refused: 'an unrecognised format' });
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toEqual({ refused: 'an unrecognised format' });
  });
});

describe('decodeBounded', () => {
  it('keeps small images pixel-exact and shrinks large ones to at most 1024 px a side', async () => {
    const raw = Buffer.alloc(40 * 30 * 3, 0);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 256;
    const png = await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toBuffer();
    const out = await decodeBounded(png, 1_000_000, 5);
    expect(await sharp(out).raw().toBuffer()).toEqual(raw);
    const big = await sharp({ create: { width: 3000, height: 1500, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const meta = await sharp(await decodeBounded(big, 40_000_000, 5)).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 512]);
  });

  it('answers a truncated image with a 400 naming the field', async () => {
    const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    await expect(decodeBounded(jpeg.subarray(0, 300), 1_000_000, 5)).rejects.toMatchObject({
      status: 400,
      details: { fields: [{ field: 'image' }] },
    });
  });
});

describe('WorkQueue', () => {
  it('runs at most `concurrency` at once, queues up to `maxWaiting`, refuses the rest with 503 + Retry-After', async () => {
    const queue = new WorkQueue(2, 1, 'image searches');
    const gates: Array<() => void> = [];
    let active = 0;
    let peak = 0;
    const task = () =>
      queue.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((open) => gates.push(open));
        active--;
        return 'done';
      });
    const admitted = [task(), task(), task()];
    await new Promise((r) => setImmediate(r));
    expect([queue.running, queue.waiting]).toEqual([2, 1]);
    const refused = await task().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect(refused).toMatchObject({ status: 503, code: 'overloaded', headers: { 'retry-after': '1' } });
    while (gates.length > 0 || queue.running > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(admitted)).toEqual(['done', 'done', 'done']);
    expect(peak).toBe(2);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it('frees the slot when a task throws', async () => {
    const queue = new WorkQueue(1, 0, 'x');
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 7)).toBe(7);
  });
});

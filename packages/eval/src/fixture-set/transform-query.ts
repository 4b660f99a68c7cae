import sharp from 'sharp';
import type { BoundingBox } from '../labelled-set/types.js';
import { busyBackground } from './busy-background.js';
import { between } from './random.js';

export interface TransformedQuery {
  jpeg: Buffer;
  /** Where the (cropped, rotated) listing photo landed in the query. */
  bbox: BoundingBox;
}

/** Query canvas: portrait, like a phone photo. */
export const QUERY_WIDTH = 480;
export const QUERY_HEIGHT = 640;

/**
 * A shopper's photo of a listing: a random crop of the listing photo, rotated, colour-jittered, pasted
 * smaller onto a busy background, JPEG re-encoded at a lowish quality. Deterministic for a given `rand`.
 */
export async function transformQuery(listingPhoto: Buffer, rand: () => number): Promise<TransformedQuery> {
  const meta = await sharp(listingPhoto).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  const keepW = Math.round(w * between(rand, 0.78, 0.95));
  const keepH = Math.round(h * between(rand, 0.78, 0.95));
  const cropped = sharp(listingPhoto).extract({
    left: Math.floor(rand() * (w - keepW)),
    top: Math.floor(rand() * (h - keepH)),
    width: keepW,
    height: keepH,
  });
  const target = Math.round(QUERY_WIDTH * between(rand, 0.55, 0.78)); // rotated by ≤ 12° it still fits the canvas
  const garment = await sharp(
    await cropped
      .modulate({
        brightness: between(rand, 0.85, 1.15),
        saturation: between(rand, 0.8, 1.2),
        hue: Math.round(between(rand, -10, 10)),
      })
      .resize(target, target, { fit: 'inside' })
      .toBuffer(),
  )
    .ensureAlpha()
    .rotate(between(rand, -12, 12), { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const gw = Math.min(garment.info.width, QUERY_WIDTH);
  const gh = Math.min(garment.info.height, QUERY_HEIGHT);
  const left = Math.floor(rand() * (QUERY_WIDTH - gw + 1));
  const top = Math.floor(rand() * (QUERY_HEIGHT - gh + 1));
  const background = await busyBackground(QUERY_WIDTH, QUERY_HEIGHT, rand);
  const jpeg = await sharp(background)
    .composite([{ input: garment.data, left, top }])
    .jpeg({ quality: Math.round(between(rand, 55, 80)) })
    .toBuffer();
  return { jpeg, bbox: { x1: left, y1: top, x2: left + gw, y2: top + gh } };
}

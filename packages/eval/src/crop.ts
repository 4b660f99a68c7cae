import sharp from 'sharp';
import type { BoundingBox } from './labelled-set/types.js';

/**
 * Cuts `box` out of an encoded photo (after EXIF orientation, like a browser shows it), clamped to the
 * photo's edges. Returns PNG bytes so the crop adds no second lossy encode. Throws when the box misses.
 */
export async function cropImage(bytes: Buffer, box: BoundingBox, label: string): Promise<Buffer> {
  const oriented = await sharp(bytes).rotate().toBuffer({ resolveWithObject: true });
  const { width, height } = oriented.info;
  const left = Math.max(0, Math.floor(box.x1));
  const top = Math.max(0, Math.floor(box.y1));
  const right = Math.min(width, Math.ceil(box.x2));
  const bottom = Math.min(height, Math.ceil(box.y2));
  if (right - left < 1 || bottom - top < 1) {
    throw new RangeError(
      `${label}: bbox [${box.x1}, ${box.y1}, ${box.x2}, ${box.y2}] lies outside the ${width}×${height} photo`,
    );
  }
  return sharp(oriented.data)
    .extract({ left, top, width: right - left, height: bottom - top })
    .png()
    .toBuffer();
}

import sharp from 'sharp';
import { InvalidRequestError, PayloadTooLargeError } from './errors.js';

/**
 * Reads only the image header (no pixel decode) and refuses images too large to decode safely,
 * a decompression bomb being a few KB of PNG that decodes to gigabytes.
 */
export async function assertImageWithinPixels(image: Buffer, maxPixels: number): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  let pages = 1;
  try {
    const meta = await sharp(image, { limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.pageHeight ?? meta.height;
    pages = meta.pages ?? 1;
  } catch {
    throw InvalidRequestError.field('image', 'is not a decodable JPEG, PNG, WebP or GIF image');
  }
  if (!width || !height) throw InvalidRequestError.field('image', 'has no dimensions');
  // Only the first frame of an animation is embedded, but keep the whole file bounded too.
  if (width * height > maxPixels || width * height * pages > maxPixels * 10) {
    throw new PayloadTooLargeError(`Image is ${width}×${height} px; the limit is ${maxPixels} pixels.`);
  }
}

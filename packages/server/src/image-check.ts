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
    throw InvalidRequestError.field('image', 'is damaged or truncated and cannot be decoded');
  }
  if (!width || !height) throw InvalidRequestError.field('image', 'has no dimensions');
  // Only the first frame of an animation is embedded, but keep the whole file bounded too.
  if (width * height > maxPixels || width * height * pages > maxPixels * 10) {
    throw new PayloadTooLargeError(`Image is ${width}×${height} px; the limit is ${maxPixels} pixels.`);
  }
}

/**
 * libvips threads per decode, process-wide. Its default (one per core) lets FTF_IMAGE_CONCURRENCY decodes take
 * concurrency × cores threads, so a few hostile uploads could occupy every core vector search needs; at 1, image
 * work takes at most FTF_IMAGE_CONCURRENCY cores.
 */
export function limitDecodeThreads(threads: number): void {
  if (threads > 0) sharp.concurrency(threads);
}

// Larger than any model input (224–384 px): the embedder's own preprocessing does the final resize.
const DECODED_MAX_SIDE = 1024;

/**
 * Decodes once, here, under a time limit (sharp's `timeout`) and the pixel limit, and hands the embedder a
 * small lossless PNG: whatever the upload, the work after this step is bounded. Images no larger than
 * DECODED_MAX_SIDE keep their exact pixels.
 */
export async function decodeBounded(image: Buffer, maxPixels: number, timeoutSeconds: number): Promise<Buffer> {
  try {
    return await sharp(image, { limitInputPixels: maxPixels, pages: 1, failOn: 'error' })
      .resize({ width: DECODED_MAX_SIDE, height: DECODED_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .timeout({ seconds: timeoutSeconds })
      .png({ compressionLevel: 1 })
      .toBuffer();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/timeout/i.test(message)) {
      throw InvalidRequestError.field('image', `could not be decoded within ${timeoutSeconds} s`);
    }
    throw InvalidRequestError.field('image', 'is damaged or truncated and cannot be decoded');
  }
}

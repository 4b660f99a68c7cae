import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';

/** Why an image was refused; becomes a skip reason in the summary. */
export class ImageRejectedError extends Error {
  override name = 'ImageRejectedError';
  readonly reason: 'wrong_content_type' | 'too_many_pixels' | 'undecodable_image' | 'empty_image';
  constructor(reason: ImageRejectedError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

export interface CheckedImage {
  bytes: Buffer;
  /** sha256 hex of the bytes: unchanged hash → no re-embedding. */
  hash: string;
  width: number;
  height: number;
}

export const hashBytes = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Refuses what the embedder should never see: a declared type that is not an image, bytes that are not a
 * known image format, and more than `maxPixels` pixels — read from the header, so a decompression bomb is
 * refused before anything is decoded (sharp's `limitInputPixels` guards the header read too).
 */
export async function checkImage(
  url: string,
  bytes: Buffer,
  contentType: string | undefined,
  maxPixels: number,
): Promise<CheckedImage> {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!declared || !IMAGE_TYPES.has(declared)) {
    throw new ImageRejectedError(
      'wrong_content_type',
      `${url} is ${declared ?? 'untyped'}, not an image type we embed.`,
    );
  }
  if (bytes.length === 0) throw new ImageRejectedError('empty_image', `${url} is empty.`);
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: maxPixels, sequentialRead: true }).metadata();
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) {
      throw new ImageRejectedError('too_many_pixels', `${url} exceeds the ${maxPixels}-pixel limit (${message}).`);
    }
    throw new ImageRejectedError('undecodable_image', `${url} cannot be read as an image: ${message}`);
  }
  const { width = 0, height = 0, format } = metadata;
  if (!format || !FORMATS.has(format)) {
    throw new ImageRejectedError('undecodable_image', `${url} is in format ${format ?? 'unknown'}, not one we embed.`);
  }
  if (width < 1 || height < 1) throw new ImageRejectedError('undecodable_image', `${url} has no pixels.`);
  if (width * height > maxPixels) {
    throw new ImageRejectedError(
      'too_many_pixels',
      `${url} is ${width}×${height} = ${width * height} pixels, over the ${maxPixels}-pixel limit (decompression bomb?).`,
    );
  }
  return { bytes, hash: hashBytes(bytes), width, height };
}

import sharp from 'sharp';
import { UnsupportedMediaTypeError } from './errors.js';

/** Formats a phone sends. Decided from the bytes only: a declared Content-Type is never trusted. */
export type AcceptedImageFormat = 'jpeg' | 'png' | 'webp' | 'heif';

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** The brands of an ISO-BMFF `ftyp` box (HEIC, AVIF, MP4 …), major first; [] when there is none. */
function ftypBrands(bytes: Buffer): string[] {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return [];
  const size = Math.min(bytes.readUInt32BE(0), bytes.length, 4096);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

/** What the magic numbers say: an accepted format, or a name for the error message. */
export function sniffImageFormat(bytes: Buffer): { accepted: AcceptedImageFormat } | { refused: string } {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { accepted: 'jpeg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { accepted: 'png' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { accepted: 'webp' };
  const brands = ftypBrands(bytes);
  if (brands.some((b) => AVIF_BRANDS.has(b))) return { refused: 'AVIF' };
  if (brands.some((b) => HEIC_BRANDS.has(b))) return { accepted: 'heif' };
  if (brands.length > 0) return { refused: `ISO media (${brands[0]})` };
  if (ascii(bytes, 0, 4) === 'GIF8') return { refused: 'GIF' };
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return { refused: 'TIFF' };
  if (ascii(bytes, 0, 2) === 'BM') return { refused: 'BMP' };
  if (/^\uFEFF?\s*(<\?xml|<svg|<!--|<!doctype)/i.test(bytes.subarray(0, 256).toString('utf8')))
    return { refused: 'SVG/XML' };
  if (ascii(bytes, 0, 4) === '%PDF') return { refused: 'PDF' };
  return { refused: 'an unrecognised format' };
}

/** Whether this build of sharp (libheif with an HEVC decoder) can read HEIC; prebuilt binaries read only AVIF. */
export function heicSupported(): boolean {
  const heif = (sharp.format as unknown as Record<string, { input?: { fileSuffix?: string[] } }>).heif;
  return heif?.input?.fileSuffix?.includes('.heic') ?? false;
}

const ACCEPTED_NAMES = () => `JPEG, PNG, WebP${heicSupported() ? ' or HEIC' : ''}`;

/** 415 unless the bytes are a format image search decodes; returns the format. */
export function assertAcceptedImage(bytes: Buffer): AcceptedImageFormat {
  const sniffed = sniffImageFormat(bytes);
  if ('refused' in sniffed) {
    throw new UnsupportedMediaTypeError(
      `The image is ${sniffed.refused}; image search accepts ${ACCEPTED_NAMES()} (decided from the bytes, not the Content-Type).`,
    );
  }
  if (sniffed.accepted === 'heif' && !heicSupported()) {
    throw new UnsupportedMediaTypeError(
      `The image is HEIC, which this server's image library cannot decode; send ${ACCEPTED_NAMES()}.`,
    );
  }
  return sniffed.accepted;
}

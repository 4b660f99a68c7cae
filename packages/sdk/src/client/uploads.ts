import type { ImageInput } from '../embedder/types.js';
import { ClientUsageError } from './errors.js';

/** Encoded image bytes with their media type: the body of a server-side image search. */
export interface Uploadable {
  body: Blob | Uint8Array;
  contentType: string;
}

/**
 * Encoded image bytes from what a caller has: a `Blob`/`File`, bytes (`Buffer`, `Uint8Array`, `ArrayBuffer`), or
 * an `http(s):`, `data:` or `blob:` URL (fetched). Bytes only, like openai-node's uploads: the client never reads
 * the file system, so its entry is the same for browsers and Node. In Node, read a file yourself
 * (`await readFile(path)`) and pass the Buffer.
 * @throws {ClientUsageError} for a file path, a `file:` URL or anything that is not encoded image bytes.
 */
export async function toUploadable(image: ImageInput): Promise<Uploadable> {
  if (typeof Blob !== 'undefined' && image instanceof Blob)
    return { body: image, contentType: image.type || 'application/octet-stream' };
  if (image instanceof ArrayBuffer || ArrayBuffer.isView(image)) {
    const bytes = ArrayBuffer.isView(image)
      ? new Uint8Array(image.buffer, image.byteOffset, image.byteLength)
      : new Uint8Array(image);
    return { body: bytes, contentType: sniffImageType(bytes) };
  }
  if (typeof image === 'string' || image instanceof URL) {
    const href = String(image);
    if (/^(https?|data|blob):/i.test(href)) {
      const blob = await (await fetch(href)).blob();
      return { body: blob, contentType: blob.type || 'application/octet-stream' };
    }
    throw new ClientUsageError(
      `Server-side image search sends bytes, not a file path (${JSON.stringify(href.slice(0, 120))}): read the file first (\`await readFile(path)\`) and pass the Buffer.`,
    );
  }
  throw new ClientUsageError(
    'Server-side image search needs encoded bytes: a Blob/File, a Buffer/Uint8Array/ArrayBuffer, or an http(s)/data/blob URL.',
  );
}

/** The media type from the first bytes (JPEG, PNG, GIF, WebP); the server checks the bytes again itself. */
export function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  if (bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp';
  return 'application/octet-stream';
}

import { RawImage } from '@huggingface/transformers';
import { UnreadableImageError } from './errors.js';
import { IS_NODE, importNode } from './runtime.js';
import type { ImageInput } from './types.js';

function describe(input: unknown): string {
  if (typeof input === 'string') return `"${input.length > 120 ? `${input.slice(0, 117)}...` : input}"`;
  if (input instanceof URL) return `"${input.href}"`;
  return (input as object)?.constructor?.name ?? typeof input;
}

const isInstance = (value: unknown, ctorName: string): boolean => {
  const ctor = (globalThis as Record<string, unknown>)[ctorName];
  return typeof ctor === 'function' && value instanceof (ctor as new (...args: never[]) => unknown);
};

async function bytesFromLocation(location: string): Promise<Blob> {
  if (IS_NODE && !/^(https?|data|blob):/i.test(location)) {
    const { readFile } = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    const { fileURLToPath } = await importNode<typeof import('node:url')>('node:url');
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    return new Blob([await readFile(path)]);
  }
  const response = await fetch(location);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return response.blob();
}

/** Draws a browser image source onto a canvas so its pixels can be read. */
function rasterise(source: ImageBitmap | HTMLImageElement): RawImage {
  const width = 'naturalWidth' in source ? source.naturalWidth : source.width;
  const height = 'naturalHeight' in source ? source.naturalHeight : source.height;
  if (!width || !height) throw new Error('image has no pixels (not loaded yet?)');
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas context available');
  context.drawImage(source, 0, 0);
  return new RawImage(context.getImageData(0, 0, width, height).data, width, height, 4);
}

async function decode(input: ImageInput): Promise<RawImage> {
  if (input instanceof RawImage) return input;
  if (typeof input === 'string' || input instanceof URL)
    return RawImage.fromBlob(await bytesFromLocation(String(input)));
  if (input instanceof Blob) return RawImage.fromBlob(input);
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    const view = ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    if (view.byteLength === 0) throw new Error('empty buffer');
    return RawImage.fromBlob(new Blob([view.slice()]));
  }
  if (isInstance(input, 'ImageData')) {
    const image = input as ImageData;
    return new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 4);
  }
  if (isInstance(input, 'HTMLCanvasElement') || isInstance(input, 'OffscreenCanvas')) {
    return RawImage.fromCanvas(input as HTMLCanvasElement | OffscreenCanvas);
  }
  if (isInstance(input, 'ImageBitmap') || isInstance(input, 'HTMLImageElement')) {
    return rasterise(input as ImageBitmap | HTMLImageElement);
  }
  throw new Error('unsupported input type');
}

/**
 * Turns anything a user has into an RGB RawImage.
 * @throws {UnreadableImageError} naming the input when it cannot be decoded.
 */
export async function toRawImage(input: ImageInput): Promise<RawImage> {
  let image: RawImage;
  try {
    image = await decode(input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnreadableImageError(`Cannot read image ${describe(input)}: ${reason}`, { cause: error });
  }
  if (image.width < 1 || image.height < 1) throw new UnreadableImageError(`Image ${describe(input)} has no pixels.`);
  // Alpha and grey channels differ between decoders; the model wants RGB.
  return image.channels === 3 ? image : image.rgb();
}

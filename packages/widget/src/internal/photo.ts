/** A crop rectangle in fractions of the photo (0..1), so it survives re-rendering at any size. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const FULL_PHOTO: CropRect = Object.freeze({ x: 0, y: 0, width: 1, height: 1 });

/** A photo the shopper gave us, already downscaled: what every later step works on. */
export interface PreparedPhoto {
  bitmap: ImageBitmap;
  /** Size of the original, before downscaling. */
  originalWidth: number;
  originalHeight: number;
  /** JPEG of the downscaled photo, for the preview. */
  previewUrl: string;
  decodeMs: number;
}

/** Thrown for files that are not photos, or photos too large to handle safely. */
export class PhotoError extends Error {
  override name = 'PhotoError';
  readonly code: 'not_an_image' | 'too_many_pixels' | 'unreadable';
  constructor(code: PhotoError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The longest side we keep: well above the model's 224 px, small enough to crop and embed instantly. */
export const MAX_SIDE = 1024;
/** Larger photos are refused before decoding into memory (a 100 MP photo is 400 MB of pixels). */
export const MAX_PIXELS = 100_000_000;

function canvas(width: number, height: number): OffscreenCanvas {
  return new OffscreenCanvas(Math.max(1, Math.round(width)), Math.max(1, Math.round(height)));
}

/** Image dimensions from the header alone (no full decode), so an image bomb is refused before it costs memory. */
async function probeSize(blob: Blob): Promise<{ width: number; height: number }> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new PhotoError('unreadable', 'The file could not be read as an image.'));
    });
    return { width: img.naturalWidth, height: img.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Decodes and downscales a photo (longest side ≤ MAX_SIDE) before anything else touches it. */
export async function preparePhoto(blob: Blob): Promise<PreparedPhoto> {
  const started = performance.now();
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new PhotoError('not_an_image', `"${blob.type}" is not an image type.`);
  }
  const { width, height } = await probeSize(blob);
  if (width * height > MAX_PIXELS) {
    throw new PhotoError('too_many_pixels', `The photo has ${width}×${height} pixels; the limit is ${MAX_PIXELS}.`);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      resizeWidth: Math.max(1, Math.round(width * scale)),
      resizeHeight: Math.max(1, Math.round(height * scale)),
      resizeQuality: 'high',
      imageOrientation: 'from-image',
    });
  } catch {
    throw new PhotoError('unreadable', 'The file could not be decoded as an image.');
  }
  const preview = canvas(bitmap.width, bitmap.height);
  preview.getContext('2d')?.drawImage(bitmap, 0, 0);
  const previewBlob = await preview.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  return {
    bitmap,
    originalWidth: width,
    originalHeight: height,
    previewUrl: URL.createObjectURL(previewBlob),
    decodeMs: performance.now() - started,
  };
}

/** Clamps a crop into the photo and to a minimum size (5 % of each side), so every crop can be embedded. */
export function clampCrop(rect: CropRect, minSize = 0.05): CropRect {
  const width = Math.min(1, Math.max(minSize, rect.width));
  const height = Math.min(1, Math.max(minSize, rect.height));
  return {
    x: Math.min(1 - width, Math.max(0, rect.x)),
    y: Math.min(1 - height, Math.max(0, rect.y)),
    width,
    height,
  };
}

function cropCanvas(bitmap: ImageBitmap, rect: CropRect): OffscreenCanvas {
  const sx = rect.x * bitmap.width;
  const sy = rect.y * bitmap.height;
  const sw = rect.width * bitmap.width;
  const sh = rect.height * bitmap.height;
  const out = canvas(sw, sh);
  out.getContext('2d')?.drawImage(bitmap, sx, sy, sw, sh, 0, 0, out.width, out.height);
  return out;
}

/** The cropped pixels, ready to transfer to the model worker. */
export function cropPixels(bitmap: ImageBitmap, rect: CropRect): ImageData {
  const out = cropCanvas(bitmap, rect);
  const context = out.getContext('2d');
  if (!context) throw new PhotoError('unreadable', 'This browser cannot read pixels from a canvas.');
  return context.getImageData(0, 0, out.width, out.height);
}

/** The cropped photo as a JPEG, for the server-side search when the model cannot run here. */
export function cropJpeg(bitmap: ImageBitmap, rect: CropRect): Promise<Blob> {
  return cropCanvas(bitmap, rect).convertToBlob({ type: 'image/jpeg', quality: 0.92 });
}

export function isFullPhoto(rect: CropRect): boolean {
  return rect.x <= 0 && rect.y <= 0 && rect.width >= 1 && rect.height >= 1;
}

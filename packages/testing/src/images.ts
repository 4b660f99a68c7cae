import sharp from 'sharp';
import { mulberry32 } from './random.js';

export interface RawPhoto {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel. */
  pixels: Uint8Array;
}

/**
 * A synthetic "outfit photo": a vertical background gradient with a few coloured garment-like blobs
 * (ellipses and rectangles) and mild noise. Different seeds give unrelated photos.
 */
export function syntheticPhoto(seed: number, width = 320, height = 400): RawPhoto {
  const rand = mulberry32(seed);
  const colour = () => [rand() * 255, rand() * 255, rand() * 255] as const;
  const top = colour();
  const bottom = colour();
  const shapes = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => ({
    kind: rand() < 0.5 ? 'ellipse' : 'rect',
    cx: rand() * width,
    cy: rand() * height,
    rx: (0.1 + rand() * 0.3) * width,
    ry: (0.1 + rand() * 0.3) * height,
    rgb: colour(),
  }));
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = y / (height - 1);
      let rgb: readonly number[] = [0, 1, 2].map((c) => (top[c] as number) * (1 - t) + (bottom[c] as number) * t);
      for (const s of shapes) {
        const dx = (x - s.cx) / s.rx;
        const dy = (y - s.cy) / s.ry;
        const inside = s.kind === 'ellipse' ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
        if (inside) rgb = s.rgb;
      }
      const noise = (rand() - 0.5) * 12;
      const offset = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) pixels[offset + c] = Math.max(0, Math.min(255, (rgb[c] as number) + noise));
    }
  }
  return { width, height, pixels };
}

/**
 * A garment of one colour on a studio-grey background, the kind of photo a colour query should find.
 * Mid-grey is (almost) the models' normalisation mean, so the background adds little to the direction.
 */
export function colourGarmentPhoto(rgb: readonly [number, number, number], width = 240, height = 300): RawPhoto {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / (width * 0.4);
      const dy = (y - height / 2) / (height * 0.42);
      const inside = Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
      const value = inside ? rgb : ([124, 120, 112] as const);
      pixels.set(value, (y * width + x) * 3);
    }
  }
  return { width, height, pixels };
}

export function encode(photo: RawPhoto, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const image = sharp(Buffer.from(photo.pixels), { raw: { width: photo.width, height: photo.height, channels: 3 } });
  return (format === 'png' ? image.png() : image.jpeg({ quality: 85 })).toBuffer();
}

/** Crops `fraction` of the area away (half on each side) and re-encodes as JPEG. */
export async function cropAndReencode(photo: RawPhoto, fraction: number): Promise<Buffer> {
  const keep = Math.sqrt(1 - fraction);
  const width = Math.round(photo.width * keep);
  const height = Math.round(photo.height * keep);
  return sharp(Buffer.from(photo.pixels), { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({
      left: Math.floor((photo.width - width) / 2),
      top: Math.floor((photo.height - height) / 2),
      width,
      height,
    })
    .jpeg({ quality: 85 })
    .toBuffer();
}

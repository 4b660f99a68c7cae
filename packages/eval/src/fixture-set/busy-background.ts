import sharp from 'sharp';
import { between } from './random.js';

/**
 * A cluttered "street" backdrop: overlapping coloured blocks, discs and stripes, so a query is not a clean
 * studio shot and cropping has something to remove.
 */
export async function busyBackground(width: number, height: number, rand: () => number): Promise<Buffer> {
  const colour = () =>
    `rgb(${Math.floor(between(rand, 20, 235))},${Math.floor(between(rand, 20, 235))},${Math.floor(between(rand, 20, 235))})`;
  const shapes: string[] = [];
  for (let i = 0; i < 14; i++) {
    const x = between(rand, -0.2, 1) * width;
    const y = between(rand, -0.2, 1) * height;
    const w = between(rand, 0.1, 0.6) * width;
    const h = between(rand, 0.1, 0.6) * height;
    shapes.push(
      `<rect x="${x.toFixed(0)}" y="${y.toFixed(0)}" width="${w.toFixed(0)}" height="${h.toFixed(0)}" fill="${colour()}"/>`,
    );
  }
  for (let i = 0; i < 8; i++) {
    const r = between(rand, 0.03, 0.15) * width;
    shapes.push(
      `<circle cx="${(rand() * width).toFixed(0)}" cy="${(rand() * height).toFixed(0)}" r="${r.toFixed(0)}" fill="${colour()}"/>`,
    );
  }
  const stripe = between(rand, 6, 24);
  shapes.push(
    `<defs><pattern id="s" width="${(stripe * 2).toFixed(0)}" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(${between(rand, 0, 180).toFixed(0)})"><rect width="${stripe.toFixed(0)}" height="10" fill="${colour()}"/></pattern></defs>`,
    `<rect x="0" y="${(height * between(rand, 0.5, 0.8)).toFixed(0)}" width="${width}" height="${height}" fill="url(#s)" opacity="0.7"/>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour()}"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

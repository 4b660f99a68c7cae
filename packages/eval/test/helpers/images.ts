import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

/** Writes a small solid-colour JPEG (readers only check that files exist; the run decodes them). */
export async function writeJpeg(path: string, rgb: [number, number, number], size = 64): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const [r, g, b] = rgb;
  await writeFile(
    path,
    await sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } })
      .jpeg()
      .toBuffer(),
  );
}

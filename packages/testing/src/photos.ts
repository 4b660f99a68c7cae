import sharp from 'sharp';

/** A near-duplicate a shopper might have: the listing photo cropped by `fraction` on each side, re-encoded. */
export async function nearDuplicate(image: Buffer, fraction = 0.05): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const left = Math.round(width * fraction);
  const top = Math.round(height * fraction);
  return sharp(image)
    .extract({ left, top, width: width - 2 * left, height: height - 2 * top })
    .jpeg({ quality: 82 })
    .toBuffer();
}

/** Two photos side by side, as one "outfit" photo: cropping one half should find that half's listing. */
export async function sideBySide(left: Buffer, right: Buffer): Promise<Buffer> {
  const a = await sharp(left).metadata();
  const b = await sharp(right).metadata();
  const width = (a.width ?? 0) + (b.width ?? 0);
  const height = Math.max(a.height ?? 0, b.height ?? 0);
  return sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: a.width ?? 0, top: 0 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A large photo (to check it is downscaled before anything else). */
export async function upscaled(image: Buffer, width: number): Promise<Buffer> {
  return sharp(image).resize({ width }).jpeg({ quality: 85 }).toBuffer();
}

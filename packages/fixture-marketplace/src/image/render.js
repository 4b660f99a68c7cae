// @ts-check
// Draws a listing's photo from raw pixels: a garment silhouette in its colour and pattern, a soft shadow,
// on a muted studio background. Pure function of the listing's look, so bytes are stable per seed.
// Backgrounds stay mid-tone (near the CLIP normalisation mean) so the garment, not the backdrop, dominates
// what an avg-pool model sees.
import sharp from 'sharp';
import { createRandom, hashString } from '../random.js';
import { SILHOUETTES } from './silhouettes.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */
/** @typedef {[number, number, number]} Rgb */

/** @type {Rgb[]} */
const BACKGROUNDS = [
  [150, 140, 128], // warm taupe
  [132, 130, 124], // stone
  [126, 138, 122], // sage
  [118, 130, 144], // dusty blue
  [158, 128, 114], // clay
  [104, 110, 118], // slate
  [140, 124, 140], // mauve
];
const TEXTURES = /** @type {const} */ (['plain', 'linen', 'wood', 'vignette']);

/** The part of a listing that decides its picture. @param {Pick<FixtureListing, 'key'|'garment'|'colour'|'pattern'|'imageVersion'>} listing */
export function lookOf(listing) {
  return {
    key: listing.key,
    garment: listing.garment,
    rgb: listing.colour.rgb,
    pattern: listing.pattern,
    imageVersion: listing.imageVersion,
  };
}

/** A short stable hash of a listing's look and the width: the image's ETag. @param {FixtureListing} listing @param {number} width */
export function imageTag(listing, width) {
  return `${hashString(JSON.stringify(lookOf(listing))).toString(36)}-${width}`;
}

/** @param {unknown} width */
export function checkWidth(width) {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 32 || width > 2048) {
    throw new RangeError(`width must be an integer from 32 to 2048, got ${String(width)}`);
  }
  return width;
}

/**
 * Renders a listing's square JPEG photo, `width` pixels wide.
 * @param {Pick<FixtureListing, 'key'|'garment'|'colour'|'pattern'|'imageVersion'>} listing
 * @param {{ width?: number }} [options]
 * @returns {Promise<Buffer>}
 */
export async function renderListingImage(listing, { width = 640 } = {}) {
  const size = checkWidth(width);
  if (!listing || !SILHOUETTES[listing.garment]) {
    throw new TypeError(`listing.garment must be one of ${Object.keys(SILHOUETTES).join(', ')}`);
  }
  const rgb = listing.colour?.rgb;
  if (!Array.isArray(rgb) || rgb.length !== 3 || !rgb.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new TypeError('listing.colour.rgb must be [r, g, b] with integers 0..255');
  }
  if (!['plain', 'stripes', 'dots', 'check'].includes(listing.pattern)) {
    throw new TypeError('listing.pattern must be one of plain, stripes, dots, check');
  }
  if (typeof listing.key !== 'string' || !Number.isInteger(listing.imageVersion)) {
    throw new TypeError('listing.key must be a string and listing.imageVersion an integer');
  }
  const pixels = drawPixels(listing, size);
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * @param {Pick<FixtureListing, 'key'|'garment'|'colour'|'pattern'|'imageVersion'>} listing
 * @param {number} size
 */
function drawPixels(listing, size) {
  const r = createRandom(`look:${listing.key}:${listing.imageVersion}`);
  const backdrop = r.int(0, BACKGROUNDS.length - 1);
  const texture = r.pick(TEXTURES);
  const scale = 0.9 + r.next() * 0.1;
  const cx = size * (0.5 + (r.next() - 0.5) * 0.06);
  const cy = size * (0.5 + (r.next() - 0.5) * 0.04);
  const base = /** @type {Rgb} */ (listing.colour.rgb.map((c) => clamp(c + r.int(-6, 6))));
  const secondary = secondaryColour(base, r.next());
  const period = size * (0.03 + r.next() * 0.02);

  const image = backdropCopy(backdrop, texture, size);

  const parts = SILHOUETTES[listing.garment];
  const place =
    (/** @type {number} */ dx, /** @type {number} */ dy) =>
    (/** @type {[number, number]} */ [x, y]) =>
      /** @type {[number, number]} */ ([cx + (x - 0.5) * scale * size + dx, cy + (y - 0.5) * scale * size + dy]);

  const shadowShift = size * 0.016;
  paintShadow(
    image,
    size,
    parts.flatMap((p) => p.polygons).map((poly) => poly.map(place(shadowShift, shadowShift * 1.4))),
  );

  const top = cy - 0.42 * scale * size;
  const span = 0.84 * scale * size;
  for (const part of parts) {
    const polygons = part.polygons.map((poly) => poly.map(place(0, 0)));
    fillPolygons(size, polygons, (offset, x, y, coverage) => {
      const mix = part.pattern ? patternMix(listing.pattern, x - cx, y - cy, period) : 0;
      // Light from above: a gentle vertical gradient over the garment.
      const light = part.shade * (1.08 - 0.16 * Math.min(1, Math.max(0, (y - top) / span)));
      for (let c = 0; c < 3; c++) {
        const fabric = ((base[c] ?? 0) * (1 - mix) + (secondary[c] ?? 0) * mix) * light;
        image[offset + c] = (image[offset + c] ?? 0) * (1 - coverage) + fabric * coverage;
      }
    });
  }

  return Buffer.from(image.buffer, image.byteOffset, image.byteLength);
}

/** Painted backdrops by (colour, texture, size): a photo starts as a memcpy of one. @type {Map<string, Uint8ClampedArray>} */
const backdrops = new Map();
const MAX_BACKDROPS = 32; // at 640 px, 1.2 MB each

/** @param {number} index @param {typeof TEXTURES[number]} texture @param {number} size */
function backdropCopy(index, texture, size) {
  const key = `${index}:${texture}:${size}`;
  let painted = backdrops.get(key);
  if (painted)
    backdrops.delete(key); // re-inserted below: most recently used last
  else {
    painted = new Uint8ClampedArray(size * size * 3); // clamps and rounds on write
    paintBackground(painted, size, /** @type {Rgb} */ (BACKGROUNDS[index]), texture, hashString(key));
    for (const old of backdrops.keys()) {
      if (backdrops.size < MAX_BACKDROPS) break;
      backdrops.delete(old);
    }
  }
  backdrops.set(key, painted);
  return new Uint8ClampedArray(painted);
}

/**
 * A soft drop shadow: the outline rasterised at quarter resolution (each polygon on its own, max coverage, so
 * overlapping parts don't cancel), box-blurred twice, then darkening the backdrop with bilinear sampling.
 * @param {Uint8ClampedArray} image @param {number} size @param {[number, number][][]} polygons
 */
function paintShadow(image, size, polygons) {
  const low = Math.max(8, Math.ceil(size / 4));
  const f = low / size;
  const mask = new Float32Array(low * low);
  for (const poly of polygons) {
    const scaled = poly.map(([x, y]) => /** @type {[number, number]} */ ([x * f, y * f]));
    fillPolygons(low, [scaled], (offset, _x, _y, coverage) => {
      const i = offset / 3;
      if (coverage > (mask[i] ?? 0)) mask[i] = coverage;
    });
  }
  const radius = Math.max(1, Math.round(low * 0.012));
  for (let pass = 0; pass < 2; pass++) {
    boxBlur(mask, low, radius, 1, low); // rows
    boxBlur(mask, low, radius, low, 1); // columns
  }
  const strength = 0.3;
  for (let y = 0; y < size; y++) {
    const ly = Math.min(low - 1.001, Math.max(0, (y + 0.5) * f - 0.5));
    const y0 = Math.floor(ly);
    const ty = ly - y0;
    for (let x = 0; x < size; x++) {
      const lx = Math.min(low - 1.001, Math.max(0, (x + 0.5) * f - 0.5));
      const x0 = Math.floor(lx);
      const tx = lx - x0;
      const i = y0 * low + x0;
      const top = (mask[i] ?? 0) * (1 - tx) + (mask[i + 1] ?? 0) * tx;
      const bottom = (mask[i + low] ?? 0) * (1 - tx) + (mask[i + low + 1] ?? 0) * tx;
      const v = top * (1 - ty) + bottom * ty;
      if (v < 0.004) continue;
      const k = 1 - strength * v;
      const o = (y * size + x) * 3;
      image[o] = (image[o] ?? 0) * k;
      image[o + 1] = (image[o + 1] ?? 0) * k;
      image[o + 2] = (image[o + 2] ?? 0) * k;
    }
  }
}

/**
 * In-place box blur of `n` lines of `n` samples: `step` between samples of a line, `stride` between lines.
 * @param {Float32Array} data @param {number} n @param {number} radius @param {number} step @param {number} stride
 */
function boxBlur(data, n, radius, step, stride) {
  const line = new Float32Array(n);
  const width = 2 * radius + 1;
  for (let l = 0; l < n; l++) {
    const base = l * stride;
    for (let i = 0; i < n; i++) line[i] = data[base + i * step] ?? 0;
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += line[Math.min(n - 1, Math.max(0, i))] ?? 0;
    for (let i = 0; i < n; i++) {
      data[base + i * step] = sum / width;
      sum += (line[Math.min(n - 1, i + radius + 1)] ?? 0) - (line[Math.max(0, i - radius)] ?? 0);
    }
  }
}

/** @param {number} v */
const clamp = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Light garments get a dark pattern colour, dark ones a cream one. @param {Rgb} rgb @param {number} u */
function secondaryColour(rgb, u) {
  const luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  if (luma > 165) return /** @type {Rgb} */ (u < 0.5 ? [36, 48, 86] : [150, 40, 44]);
  return /** @type {Rgb} */ (u < 0.7 ? [242, 236, 222] : [250, 214, 90]);
}

/** Smooth 0..1 ramp, anti-aliasing pattern edges. @param {number} e0 @param {number} e1 @param {number} x */
function smoothstep(e0, e1, x) {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** @param {number} v */
const frac = (v) => v - Math.floor(v);

/**
 * How much of the secondary colour shows at (x, y), relative to the garment centre.
 * @param {import('../vocab.js').Pattern} pattern @param {number} x @param {number} y @param {number} period
 */
function patternMix(pattern, x, y, period) {
  if (pattern === 'plain') return 0;
  const edge = 1 / period;
  if (pattern === 'stripes') {
    const t = frac(y / period);
    return smoothstep(0.55 - edge, 0.55 + edge, t) * (1 - smoothstep(1 - edge, 1, t));
  }
  if (pattern === 'dots') {
    const spacing = period * 1.3;
    const row = Math.floor(y / spacing);
    const shift = row % 2 === 0 ? 0 : 0.5;
    const dx = (frac(x / spacing + shift) - 0.5) * spacing;
    const dy = (frac(y / spacing) - 0.5) * spacing;
    const radius = spacing * 0.26;
    return 1 - smoothstep(radius - 1, radius + 1, Math.hypot(dx, dy));
  }
  // Gingham: translucent bands both ways, darker where they cross.
  const tx = frac(x / period);
  const ty = frac(y / period);
  const vx = smoothstep(0.5 - edge, 0.5 + edge, tx) * (1 - smoothstep(1 - edge, 1, tx));
  const vy = smoothstep(0.5 - edge, 0.5 + edge, ty) * (1 - smoothstep(1 - edge, 1, ty));
  return 0.35 * vx + 0.35 * vy;
}

/**
 * Fills the backdrop. Row and column terms are precomputed so the per-pixel work is a few adds
 * (the grain's sin(a + b) is expanded into products of per-row and per-column tables).
 * @param {Uint8ClampedArray} image @param {number} size @param {Rgb} bg
 * @param {typeof TEXTURES[number]} texture @param {number} seed
 */
function paintBackground(image, size, bg, texture, seed) {
  const planks = 5;
  const plankTone = Array.from({ length: planks }, (_, i) => ((hashString(`${seed}:${i}`) % 17) - 8) * 1.2);
  const column = new Float32Array(size);
  const sinPhase = new Float32Array(size);
  const cosPhase = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    if (texture === 'wood') {
      const plank = Math.min(planks - 1, Math.floor((x * planks) / size));
      column[x] = (plankTone[plank] ?? 0) - ((x * planks) % size < planks ? 14 : 0); // tone, then plank gaps
      const phase = plank * 2.1 + Math.sin(x * 0.09) * 1.5;
      sinPhase[x] = Math.sin(phase) * 3;
      cosPhase[x] = Math.cos(phase) * 3;
    } else if (texture === 'vignette') {
      const dx = x / size - 0.5;
      column[x] = -dx * dx * 60;
    }
  }
  const scale = size / 640;
  for (let y = 0; y < size; y++) {
    let rowTerm = 10 - (20 * y) / size; // lighter at the top, like a lit backdrop
    if (texture === 'vignette') {
      const dy = y / size - 0.5;
      rowTerm -= dy * dy * 60;
    }
    const sinY = Math.sin((y * 0.045) / scale);
    const cosY = Math.cos((y * 0.045) / scale);
    let offset = y * size * 3;
    for (let x = 0; x < size; x++, offset += 3) {
      let delta = rowTerm + (column[x] ?? 0);
      if (texture === 'wood') delta += sinY * (cosPhase[x] ?? 0) + cosY * (sinPhase[x] ?? 0);
      else if (texture === 'linen') {
        let h = Math.imul(x, 374761393) + Math.imul(y, 668265263) + seed;
        h = Math.imul(h ^ (h >>> 13), 1274126177);
        delta += (((h >>> 16) & 15) - 7.5) * 0.7 + (((x >> 1) + (y >> 1)) & 1 ? 1.5 : -1.5);
      }
      image[offset] = bg[0] + delta;
      image[offset + 1] = bg[1] + delta;
      image[offset + 2] = bg[2] + delta;
    }
  }
}

const SUBROWS = 4;

/**
 * Scanline fill (even-odd over all polygons together) with 4 sub-rows and fractional span ends for
 * anti-aliased edges; calls `plot` once per touched pixel with its coverage in (0, 1].
 * @param {number} size
 * @param {[number, number][][]} polygons
 * @param {(offset: number, x: number, y: number, coverage: number) => void} plot
 */
function fillPolygons(size, polygons, plot) {
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const poly of polygons) {
    for (const [, y] of poly) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const y0 = Math.max(0, Math.floor(minY));
  const y1 = Math.min(size - 1, Math.ceil(maxY));
  const row = new Float32Array(size + 1);
  /** @type {number[]} */
  const xs = [];
  for (let y = y0; y <= y1; y++) {
    row.fill(0);
    let lo = size;
    let hi = -1;
    for (let s = 0; s < SUBROWS; s++) {
      const sy = y + (s + 0.5) / SUBROWS;
      xs.length = 0;
      for (const poly of polygons) {
        for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
          const a = /** @type {[number, number]} */ (poly[i]);
          const b = /** @type {[number, number]} */ (poly[j]);
          if (a[1] <= sy !== b[1] <= sy) xs.push(a[0] + ((sy - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
        }
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const from = Math.max(0, xs[k] ?? 0);
        const to = Math.min(size, xs[k + 1] ?? 0);
        if (to <= from) continue;
        addSpan(row, from, to, 1 / SUBROWS);
        lo = Math.min(lo, Math.floor(from));
        hi = Math.max(hi, Math.min(size - 1, Math.floor(to)));
      }
    }
    for (let x = lo; x <= hi; x++) {
      const coverage = Math.min(1, row[x] ?? 0);
      if (coverage > 0.001) plot((y * size + x) * 3, x + 0.5, y + 0.5, coverage);
    }
  }
}

/** @param {Float32Array} row @param {number} from @param {number} to @param {number} weight */
function addSpan(row, from, to, weight) {
  const i0 = Math.floor(from);
  const i1 = Math.floor(to);
  if (i0 === i1) {
    row[i0] = (row[i0] ?? 0) + (to - from) * weight;
    return;
  }
  row[i0] = (row[i0] ?? 0) + (i0 + 1 - from) * weight;
  for (let i = i0 + 1; i < i1; i++) row[i] = (row[i] ?? 0) + weight;
  row[i1] = (row[i1] ?? 0) + (to - i1) * weight;
}

import type { BoundingBox } from './types.js';

/**
 * Parses `[x1, y1, x2, y2]` (pixels, x2 > x1, y2 > y1, all ≥ 0). Returns an error message instead of
 * throwing so each reader can name its own file and line.
 */
export function parseBoundingBox(value: unknown): BoundingBox | string {
  if (!Array.isArray(value) || value.length !== 4) return 'bbox must be [x1, y1, x2, y2] in pixels';
  const [x1, y1, x2, y2] = value as unknown[];
  for (const n of [x1, y1, x2, y2]) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return 'bbox values must be finite numbers ≥ 0';
  }
  const box = { x1: x1 as number, y1: y1 as number, x2: x2 as number, y2: y2 as number };
  if (box.x2 <= box.x1 || box.y2 <= box.y1) return `bbox is empty: x2 must exceed x1 and y2 exceed y1`;
  return box;
}

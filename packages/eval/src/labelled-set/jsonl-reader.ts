import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseBoundingBox } from './bbox.js';
import { checkSet } from './check-set.js';
import { type GalleryImage, type LabelledSet, LabelledSetError, type QueryImage } from './types.js';

/**
 * Reads our JSONL format: one JSON object per line, either a gallery photo
 * `{"gallery": "gallery/a.jpg", "item": "A"}` or a query
 * `{"query": "queries/q.jpg", "items": ["A"], "images": ["gallery/a.jpg"], "bbox": [x1, y1, x2, y2]}`.
 * Paths are relative to the JSONL file's folder (or absolute). Blank lines are skipped.
 */
export async function readJsonlSet(file: string): Promise<LabelledSet> {
  const path = resolve(file);
  const root = dirname(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LabelledSetError(path, undefined, `cannot read: ${(error as Error).message}`);
  }
  const gallery: GalleryImage[] = [];
  const pending: { line: number; query: QueryImage; images: string[] }[] = [];
  const galleryLine = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    const fail = (message: string): never => {
      throw new LabelledSetError(path, line, message);
    };
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) fail('expected a JSON object');
    const r = record as Record<string, unknown>;
    const image = (field: string, value: unknown): { key: string; path: string } => {
      if (typeof value !== 'string' || value.trim() === '') return fail(`"${field}" must be a non-empty path`);
      const abs = isAbsolute(value) ? value : resolve(root, value);
      if (!existsSync(abs)) fail(`image not found: ${abs}`);
      return { key: relative(root, abs), path: abs };
    };
    if ('gallery' in r === 'query' in r) fail('each line needs exactly one of "gallery" or "query"');
    if ('gallery' in r) {
      const unknown = Object.keys(r).filter((k) => k !== 'gallery' && k !== 'item');
      if (unknown.length > 0) fail(`unknown field(s) on a gallery line: ${unknown.join(', ')}`);
      const img = image('gallery', r.gallery);
      if (r.item !== undefined && (typeof r.item !== 'string' || r.item === ''))
        fail('"item" must be a non-empty string');
      const first = galleryLine.get(img.path);
      if (first !== undefined) fail(`gallery image ${img.key} is already on line ${first}`);
      galleryLine.set(img.path, line);
      gallery.push({ ...img, itemId: (r.item as string | undefined) ?? img.key });
      continue;
    }
    const unknown = Object.keys(r).filter((k) => !['query', 'items', 'images', 'bbox'].includes(k));
    if (unknown.length > 0) fail(`unknown field(s) on a query line: ${unknown.join(', ')}`);
    const img = image('query', r.query);
    const strings = (field: string): string[] => {
      const v = r[field];
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
        return fail(`"${field}" must be an array of non-empty strings`);
      }
      return v as string[];
    };
    const items = strings('items');
    const images = strings('images');
    if (items.length + images.length === 0) fail('a query needs "items" and/or "images" (what should be found)');
    const query: QueryImage = { ...img, relevant: items };
    if (r.bbox !== undefined) {
      const box = parseBoundingBox(r.bbox);
      if (typeof box === 'string') fail(box);
      else query.bbox = box;
    }
    pending.push({ line, query, images });
  }
  // `images` may name gallery lines that come later in the file: resolve them once everything is read.
  const itemOfImage = new Map(gallery.map((g) => [g.path, g.itemId]));
  const items = new Set(gallery.map((g) => g.itemId));
  const queries = pending.map(({ line, query, images }) => {
    for (const name of images) {
      const item = itemOfImage.get(isAbsolute(name) ? name : resolve(root, name));
      if (item === undefined) throw new LabelledSetError(path, line, `"images" names ${name}, not a gallery image`);
      if (!query.relevant.includes(item)) query.relevant.push(item);
    }
    // (an empty gallery is reported once, by checkSet)
    if (gallery.length > 0 && !query.relevant.some((item) => items.has(item))) {
      throw new LabelledSetError(path, line, `no gallery image shows item(s) ${query.relevant.join(', ')}`);
    }
    return query;
  });
  return checkSet({ source: path, format: 'jsonl', gallery, queries });
}

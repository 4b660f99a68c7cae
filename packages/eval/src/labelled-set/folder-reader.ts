import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, parse, relative, resolve } from 'node:path';
import { checkSet } from './check-set.js';
import { type GalleryImage, type LabelledSet, LabelledSetError, type QueryImage } from './types.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff']);

/** `<dir>/<item>/<photo>` → item from the folder; `<dir>/<item>.<ext>` → item from the file name. */
async function listByItem(root: string, dir: string): Promise<{ key: string; path: string; itemId: string }[]> {
  const out: { key: string; path: string; itemId: string }[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = (await readdir(path)).sort();
      for (const name of inner) {
        const p = join(path, name);
        if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && (await stat(p)).isFile()) {
          out.push({ key: relative(root, p), path: p, itemId: entry.name });
        }
      }
    } else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      out.push({ key: relative(root, path), path, itemId: parse(entry.name).name });
    }
  }
  return out;
}

/**
 * Reads the folder layout: `gallery/` and `queries/`, each holding either one sub-folder per item
 * (`gallery/A123/front.jpg`, `queries/A123/street.jpg`) or files named by item (`gallery/A123.jpg`).
 * A query's item is what should be found. No crops in this layout (use JSONL for those).
 */
export async function readFolderSet(root: string): Promise<LabelledSet> {
  const dir = resolve(root);
  for (const sub of ['gallery', 'queries']) {
    if (!existsSync(join(dir, sub))) throw new LabelledSetError(join(dir, sub), undefined, 'folder not found');
  }
  const gallery: GalleryImage[] = await listByItem(dir, join(dir, 'gallery'));
  const queries: QueryImage[] = (await listByItem(dir, join(dir, 'queries'))).map((q) => ({
    key: q.key,
    path: q.path,
    relevant: [q.itemId],
  }));
  return checkSet({ source: dir, format: 'folder', gallery, queries });
}

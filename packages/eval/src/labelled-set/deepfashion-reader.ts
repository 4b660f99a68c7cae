import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkSet } from './check-set.js';
import { type BoundingBox, type GalleryImage, type LabelledSet, LabelledSetError, type QueryImage } from './types.js';

export const DEEPFASHION_PARTITION = 'list_eval_partition.txt';
export const DEEPFASHION_BBOX = 'list_bbox_inshop.txt';

/** Where the DeepFashion In-shop lists may sit: beside `img/`, or in the archive's `Eval/` and `Anno/`. */
export function findDeepFashionFile(root: string, name: string): string | undefined {
  return [join(root, name), join(root, 'Eval', name), join(root, 'Anno', name)].find((p) => existsSync(p));
}

interface Row {
  line: number;
  fields: string[];
}

/** DeepFashion's list files: a count line, a header line, then whitespace-separated rows. */
async function readList(file: string, header: string[]): Promise<Row[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  const count = Number(lines[0]?.trim());
  if (!Number.isInteger(count) || count < 0) {
    throw new LabelledSetError(file, 1, `expected the number of rows, got "${lines[0] ?? ''}"`);
  }
  const got = (lines[1] ?? '').trim().split(/\s+/);
  if (got.join(' ') !== header.join(' ')) {
    throw new LabelledSetError(file, 2, `expected the header "${header.join(' ')}", got "${got.join(' ')}"`);
  }
  const rows: Row[] = [];
  for (let i = 2; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? '';
    if (raw === '') continue;
    const fields = raw.split(/\s+/);
    if (fields.length !== header.length) {
      throw new LabelledSetError(
        file,
        i + 1,
        `expected ${header.length} fields (${header.join(' ')}), got ${fields.length}`,
      );
    }
    rows.push({ line: i + 1, fields });
  }
  if (rows.length !== count) {
    throw new LabelledSetError(file, 1, `announces ${count} rows but has ${rows.length}`);
  }
  return rows;
}

/**
 * Reads DeepFashion In-shop Clothes Retrieval as distributed: `list_eval_partition.txt`
 * (image_name item_id evaluation_status ∈ train|query|gallery) and, when present, `list_bbox_inshop.txt`
 * (image_name clothes_type pose_type x_1 y_1 x_2 y_2) as query crops. Image names are relative to `root`
 * (the folder holding `img/`). `train` rows are ignored.
 */
export async function readDeepFashionSet(
  root: string,
  options: { partitionFile?: string; bboxFile?: string | false } = {},
): Promise<LabelledSet> {
  const dir = resolve(root);
  const partition = options.partitionFile ?? findDeepFashionFile(dir, DEEPFASHION_PARTITION);
  if (!partition || !existsSync(partition)) {
    throw new LabelledSetError(
      partition ?? join(dir, DEEPFASHION_PARTITION),
      undefined,
      `not found (looked in ${dir}, ${dir}/Eval)`,
    );
  }
  const bboxFile =
    options.bboxFile === false ? undefined : (options.bboxFile ?? findDeepFashionFile(dir, DEEPFASHION_BBOX));
  const boxes = new Map<string, BoundingBox>();
  if (bboxFile) {
    for (const { line, fields } of await readList(bboxFile, [
      'image_name',
      'clothes_type',
      'pose_type',
      'x_1',
      'y_1',
      'x_2',
      'y_2',
    ])) {
      const [name, , , ...coords] = fields as [string, string, string, string, string, string, string];
      const [x1, y1, x2, y2] = coords.map(Number) as [number, number, number, number];
      if (![x1, y1, x2, y2].every((n) => Number.isInteger(n) && n >= 0) || x2 <= x1 || y2 <= y1) {
        throw new LabelledSetError(
          bboxFile,
          line,
          `bad box "${coords.join(' ')}" (want integers, x_2 > x_1, y_2 > y_1)`,
        );
      }
      boxes.set(name, { x1, y1, x2, y2 });
    }
  }
  const gallery: GalleryImage[] = [];
  const queries: QueryImage[] = [];
  for (const { line, fields } of await readList(partition, ['image_name', 'item_id', 'evaluation_status'])) {
    const [name, itemId, status] = fields as [string, string, string];
    if (status === 'train') continue;
    if (status !== 'query' && status !== 'gallery') {
      throw new LabelledSetError(partition, line, `evaluation_status must be train, query or gallery, got "${status}"`);
    }
    const path = join(dir, name);
    if (!existsSync(path)) throw new LabelledSetError(partition, line, `image not found: ${path}`);
    if (status === 'gallery') {
      gallery.push({ key: name, path, itemId });
    } else {
      const box = boxes.get(name);
      queries.push({ key: name, path, relevant: [itemId], ...(box ? { bbox: box } : {}) });
    }
  }
  return checkSet({ source: partition, format: 'deepfashion', gallery, queries });
}

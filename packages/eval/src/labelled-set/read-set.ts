import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEEPFASHION_PARTITION, findDeepFashionFile, readDeepFashionSet } from './deepfashion-reader.js';
import { readFolderSet } from './folder-reader.js';
import { readJsonlSet } from './jsonl-reader.js';
import { type LabelledSet, LabelledSetError, type LabelledSetFormat } from './types.js';

/** The JSONL file name looked for when a folder is given. */
export const SET_JSONL = 'set.jsonl';

/**
 * Reads a labelled set, detecting the format unless one is given: a `.jsonl` file (or a folder holding
 * `set.jsonl`) → JSONL; a folder with `list_eval_partition.txt` (or `Eval/…`) → DeepFashion In-shop;
 * a folder with `gallery/` and `queries/` → folder layout.
 */
export async function readLabelledSet(input: string, format?: LabelledSetFormat): Promise<LabelledSet> {
  const path = resolve(input);
  if (!existsSync(path)) throw new LabelledSetError(path, undefined, 'not found');
  const isDir = statSync(path).isDirectory();
  const detected: LabelledSetFormat | undefined =
    format ??
    (!isDir
      ? 'jsonl'
      : existsSync(join(path, SET_JSONL))
        ? 'jsonl'
        : findDeepFashionFile(path, DEEPFASHION_PARTITION)
          ? 'deepfashion'
          : existsSync(join(path, 'gallery')) && existsSync(join(path, 'queries'))
            ? 'folder'
            : undefined);
  switch (detected) {
    case 'jsonl':
      return readJsonlSet(isDir ? join(path, SET_JSONL) : path);
    case 'deepfashion':
      if (!isDir) throw new LabelledSetError(path, undefined, 'a DeepFashion set is a folder (the one holding img/)');
      return readDeepFashionSet(path);
    case 'folder':
      if (!isDir) throw new LabelledSetError(path, undefined, 'the folder layout needs a folder');
      return readFolderSet(path);
    default:
      throw new LabelledSetError(
        path,
        undefined,
        `no labelled set here: expected ${SET_JSONL}, ${DEEPFASHION_PARTITION} (DeepFashion In-shop) or gallery/ + queries/ folders`,
      );
  }
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeepFashionSet } from '../src/labelled-set/deepfashion-reader.js';
import { readFolderSet } from '../src/labelled-set/folder-reader.js';
import { readJsonlSet } from '../src/labelled-set/jsonl-reader.js';
import { readLabelledSet } from '../src/labelled-set/read-set.js';
import { LabelledSetError } from '../src/labelled-set/types.js';
import { writeJpeg } from './helpers/images.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ftf-eval-readers-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Expects a LabelledSetError whose message names `file` and `line`, plus a hint. */
async function expectSetError(promise: Promise<unknown>, file: string, line: number | undefined, hint: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LabelledSetError);
  const e = error as LabelledSetError;
  expect(e.file).toBe(file);
  expect(e.line).toBe(line);
  expect(e.message).toContain(line === undefined ? file : `${file}:${line}`);
  expect(e.message).toMatch(hint);
}

describe('JSONL reader', () => {
  it('reads gallery and query lines, ids and images as answers, crop boxes, paths relative to the file', async () => {
    const dir = await folder('jsonl-ok');
    await writeJpeg(join(dir, 'g/a1.jpg'), [200, 0, 0]);
    await writeJpeg(join(dir, 'g/a2.jpg'), [190, 0, 0]);
    await writeJpeg(join(dir, 'g/b.jpg'), [0, 0, 200]);
    await writeJpeg(join(dir, 'q/1.jpg'), [210, 10, 10]);
    await writeJpeg(join(dir, 'q/2.jpg'), [10, 10, 210]);
    const file = join(dir, 'set.jsonl');
    await writeFile(
      file,
      [
        '{"query": "q/2.jpg", "images": ["g/b.jpg"]}', // names a gallery line further down
        '{"gallery": "g/a1.jpg", "item": "A"}',
        '',
        '{"gallery": "g/a2.jpg", "item": "A"}',
        '{"gallery": "g/b.jpg"}',
        '{"query": "q/1.jpg", "items": ["A"], "bbox": [1, 2, 30, 40]}',
      ].join('\n'),
    );
    const set = await readJsonlSet(file);
    expect(set.format).toBe('jsonl');
    expect(set.gallery.map((g) => [g.key, g.itemId])).toEqual([
      ['g/a1.jpg', 'A'],
      ['g/a2.jpg', 'A'],
      ['g/b.jpg', 'g/b.jpg'], // no item: the photo is its own item
    ]);
    expect(set.gallery[0]?.path).toBe(join(dir, 'g/a1.jpg'));
    expect(set.queries).toEqual([
      { key: 'q/2.jpg', path: join(dir, 'q/2.jpg'), relevant: ['g/b.jpg'] },
      { key: 'q/1.jpg', path: join(dir, 'q/1.jpg'), relevant: ['A'], bbox: { x1: 1, y1: 2, x2: 30, y2: 40 } },
    ]);
    // A folder holding set.jsonl is detected as JSONL.
    expect((await readLabelledSet(dir)).queries).toHaveLength(2);
  });

  it('rejects malformed lines, naming the file and the line', async () => {
    const dir = await folder('jsonl-bad');
    await writeJpeg(join(dir, 'g.jpg'), [100, 100, 100]);
    await writeJpeg(join(dir, 'q.jpg'), [100, 100, 100]);
    const file = join(dir, 'set.jsonl');
    const gallery = '{"gallery": "g.jpg", "item": "A"}';
    const cases: [string, RegExp][] = [
      ['{"query": "q.jpg", "items": ["A"]', /not valid JSON/],
      ['["q.jpg"]', /expected a JSON object/],
      ['{"query": "q.jpg", "gallery": "g.jpg"}', /exactly one of "gallery" or "query"/],
      ['{"item": "A"}', /exactly one of "gallery" or "query"/],
      ['{"query": "missing.jpg", "items": ["A"]}', /image not found: .*missing\.jpg/],
      ['{"query": "", "items": ["A"]}', /"query" must be a non-empty path/],
      ['{"query": "q.jpg"}', /needs "items" and\/or "images"/],
      ['{"query": "q.jpg", "items": "A"}', /"items" must be an array of non-empty strings/],
      ['{"query": "q.jpg", "items": ["A"], "bbox": [10, 10, 5, 20]}', /bbox is empty/],
      ['{"query": "q.jpg", "items": ["A"], "bbox": [1, 2, 3]}', /bbox must be \[x1, y1, x2, y2\]/],
      ['{"query": "q.jpg", "items": ["A"], "bbox": [-1, 2, 3, 4]}', /≥ 0/],
      ['{"query": "q.jpg", "images": ["q.jpg"]}', /"images" names q\.jpg, not a gallery image/],
      ['{"query": "q.jpg", "items": ["A"], "crop": true}', /unknown field\(s\) on a query line: crop/],
      ['{"gallery": "g.jpg", "item": 7}', /"item" must be a non-empty string/],
    ];
    for (const [bad, hint] of cases) {
      await writeFile(file, `${gallery}\n\n${bad}\n`);
      await expectSetError(readJsonlSet(file), file, 3, hint);
    }
  });

  it('rejects sets that cannot be evaluated: no gallery, no queries, answers missing from the gallery', async () => {
    const dir = await folder('jsonl-empty');
    await writeJpeg(join(dir, 'g.jpg'), [1, 2, 3]);
    await writeJpeg(join(dir, 'q.jpg'), [1, 2, 3]);
    const file = join(dir, 'set.jsonl');
    await writeFile(file, '{"query": "q.jpg", "items": ["A"]}\n');
    await expectSetError(readJsonlSet(file), file, undefined, /gallery is empty/);
    await writeFile(file, '{"gallery": "g.jpg", "item": "A"}\n');
    await expectSetError(readJsonlSet(file), file, undefined, /no queries/);
    await writeFile(file, '{"gallery": "g.jpg", "item": "A"}\n{"query": "q.jpg", "items": ["B"]}\n');
    await expectSetError(readJsonlSet(file), file, 2, /no gallery image shows item\(s\) B/);
    await writeFile(file, '{"gallery": "g.jpg"}\n{"gallery": "g.jpg"}\n{"query": "q.jpg", "items": ["g.jpg"]}\n');
    await expectSetError(readJsonlSet(file), file, 2, /gallery image g\.jpg is already on line 1/);
  });
});

describe('DeepFashion In-shop reader', () => {
  // A tiny hand-written sample in the archive's own layout: img/, Eval/list_eval_partition.txt, Anno/list_bbox_inshop.txt.
  const partition = `7
image_name item_id evaluation_status
img/WOMEN/Dresses/id_00000002/02_1_front.jpg id_00000002 train
img/WOMEN/Dresses/id_00000080/01_1_front.jpg id_00000080 gallery
img/WOMEN/Dresses/id_00000080/01_2_side.jpg id_00000080 query
img/WOMEN/Dresses/id_00000080/01_4_full.jpg id_00000080 gallery
img/MEN/Denim/id_00000182/01_1_front.jpg id_00000182 gallery
img/MEN/Denim/id_00000182/01_7_additional.jpg    id_00000182   query
img/MEN/Denim/id_00000182/01_2_side.jpg id_00000182 query
`;
  const bbox = `3
image_name clothes_type pose_type x_1 y_1 x_2 y_2
img/WOMEN/Dresses/id_00000080/01_2_side.jpg 3 2 50 30 200 250
img/MEN/Denim/id_00000182/01_7_additional.jpg 2 5 60 40 190 240
img/WOMEN/Dresses/id_00000002/02_1_front.jpg 3 1 1 2 3 4
`;
  let dir: string;
  beforeAll(async () => {
    dir = await folder('deepfashion');
    for (const line of partition.split('\n').slice(2)) {
      const name = line.split(/\s+/)[0];
      if (name) await writeJpeg(join(dir, name), [120, 80, 40], 32);
    }
    await mkdir(join(dir, 'Eval'));
    await mkdir(join(dir, 'Anno'));
    await writeFile(join(dir, 'Eval/list_eval_partition.txt'), partition);
    await writeFile(join(dir, 'Anno/list_bbox_inshop.txt'), bbox);
  });

  it('reads the query/gallery split, skips train, and takes query crops from list_bbox_inshop.txt', async () => {
    const set = await readLabelledSet(dir);
    expect(set.format).toBe('deepfashion');
    expect(set.source).toBe(join(dir, 'Eval/list_eval_partition.txt'));
    expect(set.gallery.map((g) => [g.key, g.itemId])).toEqual([
      ['img/WOMEN/Dresses/id_00000080/01_1_front.jpg', 'id_00000080'],
      ['img/WOMEN/Dresses/id_00000080/01_4_full.jpg', 'id_00000080'],
      ['img/MEN/Denim/id_00000182/01_1_front.jpg', 'id_00000182'],
    ]);
    expect(set.queries).toEqual([
      {
        key: 'img/WOMEN/Dresses/id_00000080/01_2_side.jpg',
        path: join(dir, 'img/WOMEN/Dresses/id_00000080/01_2_side.jpg'),
        relevant: ['id_00000080'],
        bbox: { x1: 50, y1: 30, x2: 200, y2: 250 },
      },
      {
        key: 'img/MEN/Denim/id_00000182/01_7_additional.jpg',
        path: join(dir, 'img/MEN/Denim/id_00000182/01_7_additional.jpg'),
        relevant: ['id_00000182'],
        bbox: { x1: 60, y1: 40, x2: 190, y2: 240 },
      },
      {
        key: 'img/MEN/Denim/id_00000182/01_2_side.jpg',
        path: join(dir, 'img/MEN/Denim/id_00000182/01_2_side.jpg'),
        relevant: ['id_00000182'],
      },
    ]);
    // Without the box file the split alone still works.
    const plain = await readDeepFashionSet(dir, { bboxFile: false });
    expect(plain.queries.every((q) => q.bbox === undefined)).toBe(true);
  });

  it('rejects malformed list files, naming the file and the line', async () => {
    const bad = await folder('deepfashion-bad');
    await mkdir(join(bad, 'img'), { recursive: true });
    await writeJpeg(join(bad, 'img/a.jpg'), [1, 1, 1], 16);
    const file = join(bad, 'list_eval_partition.txt');
    const cases: [string, number, RegExp][] = [
      ['x\nimage_name item_id evaluation_status\n', 1, /expected the number of rows/],
      [
        '1\nimage_name item evaluation_status\nimg/a.jpg A gallery\n',
        2,
        /expected the header "image_name item_id evaluation_status"/,
      ],
      ['1\nimage_name item_id evaluation_status\nimg/a.jpg A\n', 3, /expected 3 fields/],
      [
        '1\nimage_name item_id evaluation_status\nimg/a.jpg A validation\n',
        3,
        /must be train, query or gallery, got "validation"/,
      ],
      ['1\nimage_name item_id evaluation_status\nimg/missing.jpg A gallery\n', 3, /image not found/],
      ['2\nimage_name item_id evaluation_status\nimg/a.jpg A gallery\n', 1, /announces 2 rows but has 1/],
    ];
    for (const [text, line, hint] of cases) {
      await writeFile(file, text);
      await expectSetError(readDeepFashionSet(bad), file, line, hint);
    }
    await writeFile(file, '2\nimage_name item_id evaluation_status\nimg/a.jpg A gallery\nimg/a.jpg A query\n');
    const boxes = join(bad, 'list_bbox_inshop.txt');
    await writeFile(boxes, '1\nimage_name clothes_type pose_type x_1 y_1 x_2 y_2\nimg/a.jpg 1 1 30 30 10 40\n');
    await expectSetError(readDeepFashionSet(bad), boxes, 3, /bad box "30 30 10 40"/);
  });

  it('says where it looked when the partition file is missing', async () => {
    const empty = await folder('deepfashion-none');
    await expectSetError(
      readDeepFashionSet(empty),
      join(empty, 'list_eval_partition.txt'),
      undefined,
      /not found \(looked in/,
    );
  });
});

describe('folder layout and detection', () => {
  it('reads gallery/ and queries/ with one sub-folder or file name per item', async () => {
    const dir = await folder('folders');
    await writeJpeg(join(dir, 'gallery/A/front.jpg'), [1, 2, 3]);
    await writeJpeg(join(dir, 'gallery/A/back.jpg'), [1, 2, 3]);
    await writeJpeg(join(dir, 'gallery/B.jpg'), [1, 2, 3]);
    await writeFile(join(dir, 'gallery/notes.txt'), 'ignored');
    await writeJpeg(join(dir, 'queries/A/street.jpg'), [1, 2, 3]);
    await writeJpeg(join(dir, 'queries/B.jpg'), [1, 2, 3]);
    const set = await readLabelledSet(dir);
    expect(set.format).toBe('folder');
    expect(set.gallery.map((g) => [g.key, g.itemId])).toEqual([
      ['gallery/A/back.jpg', 'A'],
      ['gallery/A/front.jpg', 'A'],
      ['gallery/B.jpg', 'B'],
    ]);
    expect(set.queries.map((q) => [q.key, q.relevant])).toEqual([
      ['queries/A/street.jpg', ['A']],
      ['queries/B.jpg', ['B']],
    ]);
    expect((await readFolderSet(dir)).gallery).toHaveLength(3);
  });

  it('says what it expected when a folder holds no labelled set', async () => {
    const dir = await folder('nothing');
    await expectSetError(readLabelledSet(dir), dir, undefined, /expected set\.jsonl, list_eval_partition\.txt/);
    await expectSetError(readLabelledSet(join(dir, 'nope')), join(dir, 'nope'), undefined, /not found/);
    await expectSetError(readLabelledSet(dir, 'folder'), join(dir, 'gallery'), undefined, /folder not found/);
  });
});

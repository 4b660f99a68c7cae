import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../src/run-eval.js';
import { MODELS_DIR, runCli, startCli } from './helpers/cli.js';

let work: string;
let setDir: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-eval-cli-'));
  setDir = join(work, 'set');
  const made = await runCli(['make-fixture-set', setDir, '--count', '24', '--seed', '7', '--no-progress']);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  expect(made.stdout).toContain('Wrote 24 gallery photos and 24 queries');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('ftf-eval make-fixture-set', () => {
  it('writes gallery photos, transformed queries and set.jsonl with a crop box per query', async () => {
    const lines = (await readFile(join(setDir, 'set.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const gallery = lines.filter((l) => 'gallery' in l);
    const queries = lines.filter((l) => 'query' in l);
    expect(gallery).toHaveLength(24);
    expect(queries).toHaveLength(24);
    for (const q of queries) {
      expect(existsSync(join(setDir, q.query))).toBe(true);
      expect(q.items).toHaveLength(1);
      expect(gallery.some((g) => g.item === q.items[0])).toBe(true);
      const [x1, y1, x2, y2] = q.bbox;
      // The listing photo sits inside the 480 × 640 query, smaller than it: there is background to crop.
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(480);
      expect(y2).toBeLessThanOrEqual(640);
      expect((x2 - x1) * (y2 - y1)).toBeLessThan(480 * 640 * 0.8);
    }
    // A query is a new photo, not a copy of the listing's.
    const q0 = queries[0];
    expect(await readFile(join(setDir, q0.query))).not.toEqual(
      await readFile(join(setDir, `gallery/${q0.items[0]}.jpg`)),
    );
  });

  it('is deterministic for a seed and refuses a non-empty folder', async () => {
    const again = join(work, 'again');
    expect((await runCli(['make-fixture-set', again, '--count', '3', '--seed', '7'])).code).toBe(0);
    const first = (await readFile(join(setDir, 'set.jsonl'), 'utf8')).split('\n');
    const second = (await readFile(join(again, 'set.jsonl'), 'utf8')).split('\n');
    // Listing n never depends on the count: the 3-listing set is a prefix of the 24-listing one.
    expect(second.slice(0, 3)).toEqual(first.slice(0, 3));
    expect(second[3]).toBe(first[24]);
    const key = JSON.parse(second[3] ?? '{}').query as string;
    expect(await readFile(join(again, key))).toEqual(await readFile(join(setDir, key)));
    const refused = await runCli(['make-fixture-set', again, '--count', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty/);
  });
});

describe('ftf-eval run', () => {
  // The end-to-end tests start real servers and models: generous timeouts on a shared 2-core machine.
  it('evaluates two presets end to end on the generated set: table on stdout, JSON report, cropping helps', {
    timeout: 300_000,
  }, async () => {
    const jsonPath = join(work, 'report.json');
    const result = await runCli([
      'run',
      setDir,
      '--preset',
      'fixture',
      '--preset',
      'fixture-siglip',
      '--models-dir',
      MODELS_DIR,
      '--limit',
      '20',
      '--json',
      jsonPath,
      '--no-progress',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(jsonPath, 'utf8')) as EvalReport;
    expect(report.set).toMatchObject({ format: 'jsonl', galleryImages: 24, items: 24, queries: 20, withBbox: 20 });
    expect(report.results.map((r) => r.preset)).toEqual(['fixture', 'fixture-siglip']);
    for (const r of report.results) {
      expect(r.fingerprint.startsWith(`${r.preset}.`)).toBe(true);
      expect(r.gallery.images).toBe(24);
      expect(r.index).toMatchObject({ kind: 'hnsw', efSearch: 64, distance: 'cosine' });
      expect(r.runs.map((run) => run.cropped)).toEqual([false, true]);
      for (const run of r.runs) {
        const { recall, mrr, queries } = run.metrics;
        expect(queries).toBe(20);
        expect(run.ranks).toHaveLength(20);
        expect(recall['1']).toBeLessThanOrEqual(recall['5']);
        expect(recall['5']).toBeLessThanOrEqual(recall['10']);
        expect(recall['10']).toBeLessThanOrEqual(recall['20']);
        expect(mrr).toBeGreaterThanOrEqual(recall['1']);
        expect(mrr).toBeLessThanOrEqual(1);
        // recall@1 recomputed from the per-query ranks.
        expect(recall['1']).toBe(run.ranks.filter((q) => q.rank === 1).length / 20);
        for (const l of [run.latencyMs.embed, run.latencyMs.search]) {
          expect(l.p50).toBeGreaterThan(0);
          expect(l.p95).toBeGreaterThanOrEqual(l.p50);
        }
        // The table shows the same numbers.
        const row = `${r.preset.padEnd(14)}  ${run.cropped ? 'cropped' : 'whole  '}`;
        expect(result.stdout).toContain(row);
        const line = result.stdout.split('\n').find((l) => l.startsWith(row)) ?? '';
        expect(line).toContain(`${(recall['1'] * 100).toFixed(1)}%`);
        expect(line).toContain(mrr.toFixed(3));
      }
      // The fixture model is a random projection: a query cut to the listing photo finds it, a whole
      // query on a busy background often does not.
      const [whole, cropped] = r.runs;
      // (chance level for recall@1 is 1/24)
      expect(cropped?.metrics.recall['1']).toBeGreaterThanOrEqual(0.4);
      expect(cropped?.metrics.mrr).toBeGreaterThan(whole?.metrics.mrr ?? 1);
    }
    expect(result.stdout).toMatch(/preset\s+query\s+R@1\s+R@5\s+R@10\s+R@20\s+MRR@20/);
    expect(result.stdout).toContain(`JSON report: ${jsonPath}`);
    expect(result.stderr).toContain('fixture: queries (cropped) done (20)');
  });

  it('stops on Ctrl-C with exit code 130 and removes its throwaway server data', { timeout: 240_000 }, async () => {
    const tmp = join(work, 'private-tmp'); // the child's os.tmpdir(), so its data folder is ours to inspect
    await mkdir(tmp);
    const cli = startCli(['run', setDir, '-p', 'fixture', '--models-dir', MODELS_DIR, '--no-progress'], {
      TMPDIR: tmp,
    });
    await expect.poll(() => cli.output().stderr, { timeout: 200_000, interval: 100 }).toContain('indexing done');
    expect((await readdir(tmp)).some((name) => name.startsWith('ftf-eval-'))).toBe(true); // its PGlite folder
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('ftf-eval: interrupted');
    expect(await readdir(tmp)).toEqual([]);
  });

  it('runs a folder-layout set with --json - (JSON on stdout) and --no-crop', { timeout: 240_000 }, async () => {
    const dir = join(work, 'folder-set');
    const lines = (await readFile(join(setDir, 'set.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    await mkdir(join(dir, 'gallery'), { recursive: true });
    await mkdir(join(dir, 'queries'), { recursive: true });
    for (const l of lines.slice(0, 8)) await copyFile(join(setDir, l.gallery), join(dir, l.gallery));
    for (const l of lines.filter((x) => 'query' in x).slice(0, 4)) {
      await copyFile(join(setDir, l.query), join(dir, l.query));
    }
    const result = await runCli([
      'run',
      dir,
      '-p',
      `fixture=${join(MODELS_DIR, 'fixture')}`,
      '--json',
      '-',
      '--no-crop',
      '--ef-search',
      '400',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EvalReport;
    expect(report.set).toMatchObject({ format: 'folder', galleryImages: 8, queries: 4, withBbox: 0 });
    expect(report.results[0]?.runs).toHaveLength(1);
    expect(report.results[0]?.index.efSearch).toBe(400);
  });
});

describe('ftf-eval usage and errors', () => {
  it('prints help', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/run SET[\s\S]*make-fixture-set DIR/);
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/DeepFashion In-shop[\s\S]*--preset <name\[=dir\]>/);
    const none = await runCli([]);
    expect(none.code).toBe(2);
  });

  // 15 process starts: generous on a loaded 2-core machine.
  it('validates every option with a clear message and exit code 2', { timeout: 180_000 }, async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['run'], /exactly one SET/],
      [['run', setDir, '--preset', 'vit-huge'], /unknown preset "vit-huge": expected one of .*siglip-b16/],
      [['run', setDir, '--preset', 'fixture=/no/such/dir'], /model folder for fixture not found: \/no\/such\/dir/],
      // The fashion presets are known by name (their folder is what is missing here).
      [['run', setDir, '-p', 'fashion-siglip=/no/such/a'], /model folder for fashion-siglip not found: \/no\/such\/a/],
      [['run', setDir, '-p', 'fashion-clip', '--models-dir', MODELS_DIR], /model folder for fashion-clip not found/],
      [['run', setDir, '--preset', 'fixture', '--preset', 'fixture', '--models-dir', MODELS_DIR], /given twice/],
      [['run', setDir, '--models-dir', '/no/such/models'], /--models-dir not found/],
      [['run', setDir, '--format', 'xml'], /--format must be jsonl, deepfashion or folder/],
      [['run', setDir, '--threads', '0'], /--threads must be an integer 1\.\.64, got "0"/],
      [['run', setDir, '--batch-size', 'many'], /--batch-size must be an integer 1\.\.256/],
      [['run', setDir, '--ef-search', '1001'], /--ef-search must be an integer 1\.\.1000/],
      [['run', setDir, '--limit', '-3'], /--limit/],
      [['run', setDir, '--json', '/no/such/dir/out.json'], /--json: folder \/no\/such\/dir does not exist/],
      [['run', setDir, '--bogus'], /Unknown option '--bogus'/],
      [['make-fixture-set'], /exactly one DIR/],
      [['make-fixture-set', join(work, 'z'), '--count', '0'], /--count must be an integer 1\.\.100000/],
      [['make-fixture-set', join(work, 'z'), '--count', '5', '--queries', '6'], /--queries must be an integer 1\.\.5/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('rejects a malformed set naming the file and line, before loading any model', { timeout: 120_000 }, async () => {
    const dir = join(work, 'bad-set');
    await mkdir(dir);
    const file = join(dir, 'set.jsonl');
    await writeFile(file, `{"gallery": "${join(setDir, 'gallery', (await firstGallery()) ?? '')}"}\n{"query": 42}\n`);
    const result = await runCli(['run', file, '--preset', 'fixture', '--models-dir', MODELS_DIR]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`malformed labelled set: ${file}:2: "query" must be a non-empty path`);
    expect(result.stdout).toBe('');
  });
});

describe('ftf-eval run on photos it cannot read', () => {
  it('names the gallery photo that cannot be decoded (exit 1)', { timeout: 120_000 }, async () => {
    const dir = join(work, 'corrupt-set');
    await mkdir(dir);
    const good = join(setDir, 'gallery', (await firstGallery()) ?? '');
    await writeFile(join(dir, 'broken.jpg'), 'this is not a JPEG');
    await writeFile(
      join(dir, 'set.jsonl'),
      [
        JSON.stringify({ gallery: good, item: 'A' }),
        JSON.stringify({ gallery: 'broken.jpg', item: 'B' }),
        JSON.stringify({ query: good, items: ['A'] }),
      ].join('\n'),
    );
    const result = await runCli(['run', dir, '-p', 'fixture', '--models-dir', MODELS_DIR, '--no-progress']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`ftf-eval: gallery image ${join(dir, 'broken.jpg')}: `);
  });
});

async function firstGallery(): Promise<string | undefined> {
  const first = (await readFile(join(setDir, 'set.jsonl'), 'utf8')).split('\n')[0] ?? '{}';
  return (JSON.parse(first).gallery as string).replace('gallery/', '');
}

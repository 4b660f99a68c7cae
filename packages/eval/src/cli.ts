import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PRESET, isPresetName, PRESETS } from '@find-this-fit/sdk';
import { readLabelledSet } from './labelled-set/read-set.js';
import { LabelledSetError, type LabelledSetFormat } from './labelled-set/types.js';
import type { PresetSpec } from './run-eval.js';

const PRESET_NAMES = Object.keys(PRESETS).join(', ');

const HELP = {
  main: `ftf-eval — how good is photo search on your data, and which model preset to choose.

Usage: ftf-eval <command> [options]

Commands:
  run SET                  embed the gallery, search every query, report recall@1/5/10/20, MRR@20, latency
  make-fixture-set DIR     write a labelled set generated from the fixture marketplace (for CI and demos)

ftf-eval <command> --help shows the options of a command. Exit codes: 0 ok, 1 failure, 2 bad usage or set.`,
  run: `ftf-eval run SET — evaluate one or more presets on a labelled set.

SET is a JSONL file, a folder holding set.jsonl, a DeepFashion In-shop folder (the one with img/ and
list_eval_partition.txt, also found in Eval/; crops from list_bbox_inshop.txt, also found in Anno/), or a
folder with gallery/ and queries/ (one sub-folder or file name per item). See the README for the formats.

Each preset runs on its own: a throwaway search server (embedded PGlite in a temp folder), the gallery
embedded and indexed, every query embedded and searched over HTTP (k = 20). Queries with a crop box are
searched twice, whole and cropped.

  -p, --preset <name[=dir]>  preset to evaluate, repeatable (${PRESET_NAMES});
                             =dir: its model folder. Default: ${DEFAULT_PRESET}
      --models-dir <dir>     folder with one model folder per preset (e.g. .models → .models/<preset>);
                             without a folder a preset downloads from the Hugging Face hub
      --format <f>           jsonl | deepfashion | folder (default: detected)
      --limit <n>            only the first n queries (a quick look at a large set)
      --no-crop              skip the cropped run
      --json <file>          also write the full report as JSON (- for stdout instead of the table)
      --threads <n>          ONNX Runtime threads, 1..64 (default 1)
      --batch-size <n>       gallery photos per inference call, 1..256 (default 8)
      --cache-dir <dir>      cache for hub downloads
      --ef-search <n>        HNSW ef_search of the throwaway server, 1..1000 (default 64; 1000 ≈ exact)
      --no-progress          no progress bars even on a terminal
  -h, --help                 this help`,
  'make-fixture-set': `ftf-eval make-fixture-set DIR — generate a labelled set from the fixture marketplace.

Writes DIR/gallery/<key>.jpg (each listing's photo), DIR/queries/<key>.jpg (a shopper's photo of it: random
crop, rotation, colour jitter, a busy background, JPEG re-encode) and DIR/set.jsonl with a crop box per query.
DIR must be new or empty. Deterministic for a seed.

      --count <n>            listings in the gallery, 1..100000 (default 200)
      --queries <n>          queries, from the first listing, 1..count (default: count)
      --seed <n>             seed, 0..2147483647 (default 7)
      --width <n>            gallery photo width, 32..2048 (default 640)
      --no-progress          no progress output
  -h, --help                 this help`,
} as const;

/** A usage error: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

/** Ctrl-C during a run: exit code 130, like a shell. */
class Interrupted extends Error {}

function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer ${min}..${max}, got "${value}"`);
  }
  return n;
}

function presetSpecs(values: string[] | undefined, modelsDir: string | undefined): PresetSpec[] {
  const specs = (values && values.length > 0 ? values : [DEFAULT_PRESET]).map((value): PresetSpec => {
    const eq = value.indexOf('=');
    const name = (eq === -1 ? value : value.slice(0, eq)).trim();
    const dir = eq === -1 ? undefined : value.slice(eq + 1).trim();
    if (!isPresetName(name)) throw new UsageError(`unknown preset "${name}": expected one of ${PRESET_NAMES}`);
    if (dir === '') throw new UsageError(`--preset ${value}: the model folder after = is empty`);
    const modelDir = dir ?? (modelsDir ? join(modelsDir, name) : undefined);
    if (modelDir !== undefined && !(existsSync(modelDir) && statSync(modelDir).isDirectory())) {
      throw new UsageError(`model folder for ${name} not found: ${resolve(modelDir)}`);
    }
    return modelDir ? { name, modelDir: resolve(modelDir) } : { name };
  });
  const names = specs.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`preset ${twice} is given twice`);
  return specs;
}

async function runCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      preset: { type: 'string', short: 'p', multiple: true },
      'models-dir': { type: 'string' },
      format: { type: 'string' },
      limit: { type: 'string' },
      'no-crop': { type: 'boolean' },
      json: { type: 'string' },
      threads: { type: 'string' },
      'batch-size': { type: 'string' },
      'cache-dir': { type: 'string' },
      'ef-search': { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP.run}\n`);
    return;
  }
  if (positionals.length !== 1) throw new UsageError('run needs exactly one SET (a JSONL file or a folder)');
  const format = values.format;
  if (format !== undefined && !['jsonl', 'deepfashion', 'folder'].includes(format)) {
    throw new UsageError(`--format must be jsonl, deepfashion or folder, got "${format}"`);
  }
  const modelsDir = values['models-dir'];
  if (modelsDir !== undefined && !existsSync(modelsDir))
    throw new UsageError(`--models-dir not found: ${resolve(modelsDir)}`);
  const presets = presetSpecs(values.preset, modelsDir);
  const limit = intOption('limit', values.limit, 1, Number.MAX_SAFE_INTEGER);
  const threads = intOption('threads', values.threads, 1, 64);
  const batchSize = intOption('batch-size', values['batch-size'], 1, 256);
  const efSearch = intOption('ef-search', values['ef-search'], 1, 1000);
  const json = values.json;
  if (json !== undefined && json !== '-' && !existsSync(dirname(resolve(json)))) {
    throw new UsageError(`--json: folder ${dirname(resolve(json))} does not exist`);
  }
  const set = await readLabelledSet(positionals[0] as string, format as LabelledSetFormat | undefined);
  // The server, the embedder and the progress bar load only now: --help and bad options answer at once.
  const [{ runEval }, { formatReport }, { createProgress }] = await Promise.all([
    import('./run-eval.js'),
    import('./report.js'),
    import('./progress.js'),
  ]);
  if (limit !== undefined) set.queries = set.queries.slice(0, limit);
  const progress = createProgress(Boolean(process.stderr.isTTY) && !values['no-progress']);
  // Ctrl-C stops between two photos so the throwaway server and its temp folder are cleaned up.
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Interrupted('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const report = await runEval(set, {
      presets,
      signal: abort.signal,
      crops: !values['no-crop'],
      onProgress: progress.onProgress,
      ...(threads !== undefined ? { threads } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(efSearch !== undefined ? { efSearch } : {}),
      ...(values['cache-dir'] !== undefined ? { cacheDir: values['cache-dir'] } : {}),
    });
    progress.stop();
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (json === '-') {
      process.stdout.write(text);
      return;
    }
    process.stdout.write(`${formatReport(report)}\n`);
    if (json !== undefined) {
      await writeFile(json, text);
      process.stdout.write(`JSON report: ${resolve(json)}\n`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
  }
}

async function makeFixtureSetCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      queries: { type: 'string' },
      seed: { type: 'string' },
      width: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP['make-fixture-set']}\n`);
    return;
  }
  if (positionals.length !== 1) throw new UsageError('make-fixture-set needs exactly one DIR');
  const count = intOption('count', values.count, 1, 100_000) ?? 200;
  const queries = intOption('queries', values.queries, 1, count);
  const seed = intOption('seed', values.seed, 0, 2 ** 31 - 1);
  const width = intOption('width', values.width, 32, 2048);
  const tty = Boolean(process.stderr.isTTY) && !values['no-progress'];
  const { makeFixtureSet } = await import('./fixture-set/make-fixture-set.js');
  const summary = await makeFixtureSet(positionals[0] as string, {
    count,
    ...(queries !== undefined ? { queries } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(tty ? { onProgress: (done, total) => process.stderr.write(`\rgenerating ${done}/${total}`) } : {}),
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`Wrote ${summary.gallery} gallery photos and ${summary.queries} queries: ${summary.file}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${HELP.main}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'run') await runCommand(rest);
    else if (command === 'make-fixture-set') await makeFixtureSetCommand(rest);
    else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (error) {
    const err = error as Error & { code?: string };
    if (error instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`ftf-eval: ${err.message}\nRun ftf-eval --help for usage.\n`);
      return 2;
    }
    if (error instanceof Interrupted) {
      process.stderr.write('ftf-eval: interrupted\n');
      return 130;
    }
    if (error instanceof LabelledSetError) {
      process.stderr.write(`ftf-eval: malformed labelled set: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`ftf-eval: ${err.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

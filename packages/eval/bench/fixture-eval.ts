// `pnpm bench:eval [count] [seed]`: the numbers docs/benchmarks.md records for the fixture models — a generated
// labelled set (default 200 listings, 200 queries) evaluated with `fixture` and `fixture-siglip`; JSON in .cache/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'packages/eval/dist/cli.js');
const models = join(root, process.env.FTF_MODELS_ROOT ?? process.env.FTF_MODELS_DIR ?? '.models');
const [count = '200', seed = '7'] = process.argv.slice(2);

const run = (args: string[]) => {
  const { status } = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (status !== 0) process.exit(status ?? 1);
};

if (!existsSync(join(models, 'fixture-siglip', 'find-this-fit.json'))) {
  run([join(root, 'packages/sdk/dist/cli/models.js'), 'fixture']);
}
const dir = await mkdtemp(join(tmpdir(), 'ftf-eval-bench-'));
const json = join(root, '.cache', 'eval-fixture.json'); // .cache/ is git-ignored
await mkdir(join(root, '.cache'), { recursive: true });
try {
  run([cli, 'make-fixture-set', join(dir, 'set'), '--count', count, '--seed', seed]);
  run([cli, 'run', join(dir, 'set'), '-p', 'fixture', '-p', 'fixture-siglip', '--models-dir', models, '--json', json]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

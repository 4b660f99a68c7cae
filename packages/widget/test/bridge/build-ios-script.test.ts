import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// `pnpm build:ios` (ios-bridge/scripts/build-ios.sh) against a widget dist laid out like the real build,
// in temp folders (FTF_WIDGET_DIST / FTF_IOS_WIDGET_OUT), skipping the widget build itself.
const SCRIPT = resolve(import.meta.dirname, '../../../../ios-bridge/scripts/build-ios.sh');
const run = promisify(execFile);
let work: string;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function buildIos(dist: string, out: string) {
  return run('bash', [SCRIPT], {
    env: { ...process.env, FTF_SKIP_WIDGET_BUILD: '1', FTF_WIDGET_DIST: dist, FTF_IOS_WIDGET_OUT: out },
  });
}

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-build-ios-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('build-ios.sh', () => {
  it('copies the bundle, chunks, worker and ORT WASM files plus the host page; leaves maps and types out', async () => {
    const dist = join(work, 'dist');
    const out = join(work, 'out');
    await mkdir(join(dist, 'ort'), { recursive: true });
    await mkdir(join(dist, 'types'), { recursive: true });
    for (const file of [
      'find-this-fit.js',
      'find-this-fit.js.map',
      'find-this-fit.iife.js',
      'chunk-abc.js',
      'embed-worker.js',
      'ort/ort-wasm-simd-threaded.asyncify.mjs',
      'ort/ort-wasm-simd-threaded.asyncify.wasm',
      'types/index.d.ts',
    ]) {
      await writeFile(join(dist, file), file);
    }
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'stale.js'), 'from an older build');

    const { stdout } = await buildIos(dist, out);
    expect(stdout).toContain('copied 6 files');
    expect(await files(out)).toEqual([
      'chunk-abc.js',
      'embed-worker.js',
      'find-this-fit.js',
      'index.html',
      'ort/ort-wasm-simd-threaded.asyncify.mjs',
      'ort/ort-wasm-simd-threaded.asyncify.wasm',
    ]);
  });

  it('fails loudly when the widget build is missing a piece', async () => {
    const dist = join(work, 'dist');
    await mkdir(dist, { recursive: true });
    await writeFile(join(dist, 'find-this-fit.js'), '');
    await expect(buildIos(dist, join(work, 'out'))).rejects.toMatchObject({
      stderr: expect.stringContaining('embed-worker.js is missing'),
    });
  });
});

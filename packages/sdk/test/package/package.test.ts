import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publint } from 'publint';
import { describe, expect, it } from 'vitest';

// Checks the BUILT package as a consumer sees it (`pnpm test` builds first).
const SDK = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('the published package', () => {
  it('is built', () => {
    expect(existsSync(resolve(SDK, 'dist/index.js')), 'run `pnpm build` first').toBe(true);
  });

  it('passes publint', async () => {
    const { messages } = await publint({ pkgDir: SDK, strict: true });
    expect(messages).toEqual([]);
  });

  it('passes are-the-types-wrong for Node 16+ and bundlers (ESM and CJS)', async () => {
    // node10 resolution predates `exports` subpaths; Node 18+ is the floor we support.
    const attw = resolve(SDK, 'node_modules/.bin/attw');
    const { stdout } = await run(attw, ['--pack', '.', '--profile', 'node16', '--format', 'json'], {
      cwd: SDK,
      maxBuffer: 1 << 24,
    });
    const report = JSON.parse(stdout) as { analysis: { problems: { resolutionKind?: string }[] } };
    expect(report.analysis.problems.filter((p) => p.resolutionKind !== 'node10')).toEqual([]);
  }, 120_000);

  it('require()s and import()s, and the client entry does not load transformers.js', async () => {
    const cjs = await run(
      process.execPath,
      [
        '-e',
        `const sdk = require('@find-this-fit/sdk');
       const client = new sdk.FindThisFit({ baseURL: 'http://127.0.0.1:1' });
       const heavy = Object.keys(require.cache).filter((k) => k.includes('@huggingface') || k.includes('onnxruntime'));
       console.log(JSON.stringify({ client: typeof client.search, error: typeof sdk.APIError, heavy }));`,
      ],
      { cwd: SDK },
    );
    expect(JSON.parse(cjs.stdout)).toEqual({ client: 'function', error: 'function', heavy: [] });
    const esm = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const sdk = await import('@find-this-fit/sdk');
       const model = await import('@find-this-fit/sdk/model');
       console.log(JSON.stringify({ client: typeof sdk.FindThisFit, fingerprint: model.fingerprintOf(model.getPreset('fixture')) }));`,
      ],
      { cwd: SDK },
    );
    expect(JSON.parse(esm.stdout)).toEqual({ client: 'function', fingerprint: 'fixture.q8.bc2939fc315d' });
  });

  it('keeps the client entry ≤ 6 KB minified + gzipped (tree-shaken, as an app bundles it)', async () => {
    const result = await build({
      stdin: {
        contents: "import { FindThisFit } from './dist/index.js'; export const client = new FindThisFit();",
        resolveDir: SDK,
        loader: 'js',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      external: ['@find-this-fit/sdk/embedder', 'node:*'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code).length;
    console.info(`client entry: ${code.length} bytes minified, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThanOrEqual(6 * 1024);
    expect(Buffer.from(code).toString()).not.toContain('onnxruntime');
  });
});

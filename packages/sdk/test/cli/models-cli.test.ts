import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir, REPO_ROOT } from '@find-this-fit/testing/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, DimensionMismatchError, fingerprintOf, getPreset, PRESETS } from '../../src/embedder/index.js';

// Runs the built bin, as a user does (`pnpm test` builds first).
const BIN = resolve(REPO_ROOT, 'packages/sdk/dist/cli/models.js');

function cli(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`pnpm build\` first.`);
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-cli-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('ftf-models', () => {
  it('lists every preset with its dim and fingerprint', async () => {
    const { code, stdout } = await cli(['list']);
    expect(code).toBe(0);
    for (const preset of Object.values(PRESETS)) {
      expect(stdout).toMatch(
        new RegExp(`^${preset.name}\\s+${preset.dim}-d\\s+${fingerprintOf(preset).replaceAll('.', '\\.')}`, 'm'),
      );
    }
  });

  it('generates the fixture models deterministically', async () => {
    const out = join(work, 'models');
    const first = await cli(['fixture', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`fixture: 12 files`);
    const snapshot = await readFile(join(out, 'fixture', 'onnx', 'vision_model_quantized.onnx'));
    const again = await cli(['fixture', '--out', out]);
    expect(again.code).toBe(0);
    expect((await readFile(join(out, 'fixture', 'onnx', 'vision_model_quantized.onnx'))).equals(snapshot)).toBe(true);
    expect(await readFile(join(out, 'fixture', 'onnx', 'vision_model_quantized.onnx'))).toEqual(
      await readFile(join(fixtureDir(), 'onnx', 'vision_model_quantized.onnx')),
    );
  });

  it('copies the ORT WASM files browsers need', async () => {
    const { code } = await cli(['ort-assets', join(work, 'ort')]);
    expect(code).toBe(0);
    expect((await readdir(join(work, 'ort'))).sort()).toEqual([
      'ort-wasm-simd-threaded.asyncify.mjs',
      'ort-wasm-simd-threaded.asyncify.wasm',
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
    ]);
    expect((await stat(join(work, 'ort', 'ort-wasm-simd-threaded.asyncify.wasm'))).size).toBeGreaterThan(1_000_000);
  });

  it('copies them under content-hashed names listed in ort-runtime.json with --hashed', async () => {
    const { code } = await cli(['ort-assets', join(work, 'ort-hashed'), '--hashed']);
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(work, 'ort-hashed', 'ort-runtime.json'), 'utf8'));
    expect(manifest.wasm.wasm).toMatch(/^ort-wasm-simd-threaded\.[0-9a-f]{10}\.wasm$/);
    expect(manifest.webgpu.wasm).toMatch(/^ort-wasm-simd-threaded\.asyncify\.[0-9a-f]{10}\.wasm$/);
    const names = [manifest.wasm.mjs, manifest.wasm.wasm, manifest.webgpu.mjs, manifest.webgpu.wasm];
    expect((await readdir(join(work, 'ort-hashed'))).sort()).toEqual([...names, 'ort-runtime.json'].sort());
    // Same bytes as the plain copy: only the name changes.
    const hashed = await readFile(join(work, 'ort-hashed', manifest.wasm.wasm));
    // Buffer.equals: a deep toEqual over 14 MB takes minutes.
    expect(hashed.equals(await readFile(join(work, 'ort', 'ort-wasm-simd-threaded.wasm')))).toBe(true);
  });

  it('rejects bad commands and generated presets with a clear message', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    const generated = await cli(['download', 'fixture', '--out', work]);
    expect(generated.code).toBe(1);
    expect(generated.stderr).toContain('generated, not downloaded');
    const bogus = await cli(['download', 'clip-huge', '--out', work]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('Unknown model preset "clip-huge"');
  });

  it('says clearly what to do when the hub is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const { code, stderr } = await cli(['download', 'siglip-b16', '--out', join(work, 'offline')], {
      HF_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot reach 127.0.0.1');
    expect(stderr).toContain('FTF_MODEL=fixture');
    expect(existsSync(join(work, 'offline', 'siglip-b16', 'config.json'))).toBe(false);
  });

  describe('download from a (loopback) hub', () => {
    let hub: Server;
    const requested: string[] = [];
    beforeAll(async () => {
      // A stand-in hub serving the SigLIP-shaped fixture under the real preset's pinned path.
      const preset = getPreset('siglip-b16');
      const prefix = `/${preset.modelId}/resolve/${preset.revision}/`;
      hub = createServer(async (req, res) => {
        requested.push(req.url ?? '');
        const file = req.url?.startsWith(prefix) ? req.url.slice(prefix.length) : undefined;
        const body = file ? await readFile(join(fixtureDir('fixture-siglip'), file)).catch(() => undefined) : undefined;
        if (!body) res.writeHead(404).end();
        else res.writeHead(200, { 'content-length': body.length }).end(body);
      });
      await new Promise<void>((ready) => hub.listen(0, '127.0.0.1', ready));
    });
    afterAll(() => new Promise<void>((done) => hub.close(() => done())));

    it('fetches the pinned revision with progress, then the embedder guards the dimension', async () => {
      const out = join(work, 'downloads');
      const env = { HF_ENDPOINT: `http://127.0.0.1:${(hub.address() as AddressInfo).port}` };
      const { code, stdout, stderr } = await cli(['download', 'siglip-b16', '--out', out], env);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/siglip-b16\/onnx\/vision_model_quantized\.onnx .*\(100%\)/);
      expect(stdout).toContain(fingerprintOf(getPreset('siglip-b16')));
      const manifest = JSON.parse(await readFile(join(out, 'siglip-b16', 'find-this-fit.json'), 'utf8'));
      expect(manifest).toMatchObject({ preset: 'siglip-b16', revision: getPreset('siglip-b16').revision, dtype: 'q8' });
      expect(requested.every((url) => url.includes(getPreset('siglip-b16').revision))).toBe(true);

      const again = await cli(['download', 'siglip-b16', '--out', out], env);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain('100%'); // files already there are not fetched again

      // --webgpu adds the files of the admitted query dtypes (siglip-b16: fp32), nothing else is fetched again.
      expect(existsSync(join(out, 'siglip-b16', 'onnx', 'vision_model.onnx'))).toBe(false);
      const webgpu = await cli(['download', 'siglip-b16', '--out', out, '--webgpu'], env);
      expect(webgpu.code, webgpu.stderr).toBe(0);
      expect(webgpu.stderr.match(/\(100%\)/g)).toHaveLength(2);
      for (const file of ['vision_model.onnx', 'text_model.onnx']) {
        expect(existsSync(join(out, 'siglip-b16', 'onnx', file))).toBe(true);
      }
      const withWebGpu = JSON.parse(await readFile(join(out, 'siglip-b16', 'find-this-fit.json'), 'utf8'));
      expect(withWebGpu).toMatchObject({ dtype: 'q8', queryDtypes: ['fp32'] });

      // The stand-in files are 128-d; the real preset declares 768-d: the contract catches it.
      const embedder = await createEmbedder({ preset: 'siglip-b16', modelDir: join(out, 'siglip-b16'), threads: 1 });
      try {
        await expect(embedder.embedImage(await encode(syntheticPhoto(9)))).rejects.toThrow(DimensionMismatchError);
      } finally {
        await embedder.dispose();
      }
    });
  });
});

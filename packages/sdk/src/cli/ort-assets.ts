import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type OrtBuildFiles, type OrtRuntimeUrls, ortRuntimeFiles } from '../embedder/ort-assets.js';

/** The manifest `--hashed` writes next to the files: each build's file names, relative to the folder. */
export const ORT_MANIFEST = 'ort-runtime.json';

/** `ort-wasm-simd-threaded.wasm` → `ort-wasm-simd-threaded.3f9c0a1b2d.wasm` (first 10 hex of the SHA-256). */
function hashedName(name: string, bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

/**
 * Copies the ONNX Runtime WASM files that transformers.js loads in browsers (the CPU build and the WebGPU build)
 * into `dir`, from the exact onnxruntime-web build transformers.js depends on (a different build would not match
 * its JS glue). `hashed`: content-hashed names, safe to serve with `Cache-Control: immutable`, listed in
 * `ort-runtime.json` ({@link OrtRuntimeUrls} shape, names relative to `dir`).
 */
export async function copyOrtWasmAssets(dir: string, options: { hashed?: boolean } = {}): Promise<string[]> {
  const fromSdk = createRequire(import.meta.url);
  const fromTransformers = createRequire(fromSdk.resolve('@huggingface/transformers'));
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const copy = async (name: string): Promise<string> => {
    const bytes = await readFile(fromTransformers.resolve(`onnxruntime-web/${name}`));
    const target = options.hashed ? hashedName(name, bytes) : name;
    await writeFile(join(dir, target), bytes);
    written.push(join(dir, target));
    return target;
  };
  const build = async (files: OrtBuildFiles): Promise<OrtBuildFiles> => ({
    mjs: await copy(files.mjs),
    wasm: await copy(files.wasm),
  });
  const manifest: OrtRuntimeUrls = {
    wasm: await build(ortRuntimeFiles.wasm),
    webgpu: await build(ortRuntimeFiles.webgpu),
  };
  if (options.hashed) {
    await writeFile(join(dir, ORT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    written.push(join(dir, ORT_MANIFEST));
  }
  return written;
}

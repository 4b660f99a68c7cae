import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ortWasmFileNames } from '../embedder/ort-assets.js';

/**
 * Copies the ONNX Runtime WASM files that transformers.js loads in browsers into `dir`, from the exact
 * onnxruntime-web build transformers.js depends on (a different build would not match its JS glue).
 */
export async function copyOrtWasmAssets(dir: string): Promise<string[]> {
  const fromSdk = createRequire(import.meta.url);
  const fromTransformers = createRequire(fromSdk.resolve('@huggingface/transformers'));
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const name of ortWasmFileNames) {
    const target = join(dir, name);
    await copyFile(fromTransformers.resolve(`onnxruntime-web/${name}`), target);
    written.push(target);
  }
  return written;
}

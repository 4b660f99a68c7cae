// Full-size random ViTs for tests and benchmarks, shared through the models folder: generated once per machine
// (seeded, so every run writes the same bytes) and extended when a caller needs a dtype they lack.
import { existsSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { type FixtureDtype, type RandomVitArch, writeRandomVit } from '../../src/fixture/index.js';
import { FIXTURE_GENERATOR_REVISION, type ModelPreset, PRESETS } from '../../src/model/index.js';

/** The architecture a preset runs: what the random ViT of the same family, dimension and input size is. */
export function archOf(preset: ModelPreset): RandomVitArch {
  if (preset.imageSize === 224 && preset.family === 'siglip' && preset.dim === 768) return 'vit-b16-siglip';
  if (preset.imageSize === 224 && preset.family === 'clip' && preset.dim === 512) return 'vit-b32-clip';
  throw new Error(`No random ViT has the architecture of "${preset.name}" (${preset.family}, ${preset.dim}-d).`);
}

/** A preset's contract (family, dim, preprocessing, text, dtypes) on the generated weights of its architecture. */
export function onRandomVit(preset: ModelPreset): ModelPreset {
  const arch = archOf(preset);
  return {
    ...preset,
    name: `random-${preset.name}`,
    modelId: `generated/${arch}`,
    revision: FIXTURE_GENERATOR_REVISION,
  };
}

/** The presets with real weights, by architecture. */
export const REAL_BY_ARCH: Record<RandomVitArch, ModelPreset[]> = {
  'vit-b16-siglip': [PRESETS['fashion-siglip'], PRESETS['siglip-b16']],
  'vit-b32-clip': [PRESETS['fashion-clip'], PRESETS['clip-vit-b32']],
};

const SEED = 1;

async function withLock<T>(path: string, run: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 500) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch {
      const owner = Number(await readFile(path, 'utf8').catch(() => ''));
      const alive =
        Number.isInteger(owner) &&
        owner > 0 &&
        (() => {
          try {
            process.kill(owner, 0);
            return true;
          } catch {
            return false;
          }
        })();
      if (!alive || waited > 15 * 60_000)
        await rm(path, { force: true }); // a crashed generator's lock
      else await new Promise((done) => setTimeout(done, 500));
    }
  }
  try {
    return await run();
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * The folder of the random ViT `arch` with at least `dtypes`, in the models folder (`.models/<arch>`),
 * generating what is missing (~5 s per dtype). Several test files may ask at once: one generates, the others wait.
 */
export async function ensureRandomVit(arch: RandomVitArch, dtypes: readonly FixtureDtype[]): Promise<string> {
  const dir = resolve(MODELS_DIR, arch);
  const manifestPath = join(dir, 'find-this-fit.json');
  const present = async (): Promise<FixtureDtype[]> => {
    if (!existsSync(manifestPath)) return [];
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { seed?: number; dtypes?: FixtureDtype[] };
    return manifest.seed === SEED ? (manifest.dtypes ?? []) : [];
  };
  const have = await present();
  if (dtypes.every((d) => have.includes(d))) return dir;
  return withLock(`${dir}.lock`, async () => {
    const have = await present();
    const missing = dtypes.filter((d) => !have.includes(d));
    if (missing.length === 0) return dir;
    const written = await writeRandomVit(dir, {
      arch,
      seed: SEED,
      dtypes: missing,
      onProgress: (m) => process.stderr.write(`${arch}: ${m}\n`),
    });
    // The writer lists what it wrote; the folder holds the earlier dtypes too.
    const manifest = { ...written.manifest, dtypes: [...new Set([...have, ...missing])] };
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return dir;
  });
}

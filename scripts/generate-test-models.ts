// Vitest global setup: (re)generate the fixture models once per test run. Generation is deterministic
// and takes seconds, so regenerating is cheaper than reasoning about stale folders.
import { resolve } from 'node:path';
import { readRenamedEnv } from '../packages/sdk/src/config/index.js';
import { writeFixtureModel } from '../packages/sdk/src/fixture/index.js';
import { PRESETS } from '../packages/sdk/src/model/presets.js';

export default async function setup(): Promise<void> {
  const root = resolve(
    import.meta.dirname,
    '..',
    readRenamedEnv(process.env, 'FTF_MODELS_ROOT', ['FTF_MODELS_DIR']) ?? '.models',
  );
  for (const preset of [PRESETS.fixture, PRESETS['fixture-siglip']]) {
    await writeFixtureModel(resolve(root, preset.name), {
      family: preset.family,
      dim: preset.dim,
      imageSize: preset.imageSize,
    });
  }
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRenamedEnv } from '@find-this-fit/sdk/config';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// Where the vitest global setup (scripts/generate-test-models.ts) writes the fixture models: the same variable.
export const MODELS_DIR = resolve(
  REPO_ROOT,
  readRenamedEnv(process.env, 'FTF_MODELS_ROOT', ['FTF_MODELS_DIR']) ?? '.models',
);

/** The generated fixture model folder; `pnpm test` generates it first (vitest global setup). */
export function fixtureDir(name: 'fixture' | 'fixture-siglip' = 'fixture'): string {
  const dir = resolve(MODELS_DIR, name);
  if (!existsSync(resolve(dir, 'find-this-fit.json'))) {
    throw new Error(
      `Fixture model missing at ${dir}: run \`pnpm models:fixture\` (or \`pnpm test\`, which generates it).`,
    );
  }
  return dir;
}

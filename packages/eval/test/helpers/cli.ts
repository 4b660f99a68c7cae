import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CLI = resolve(REPO_ROOT, 'packages/eval/dist/cli.js');
export const MODELS_DIR = resolve(REPO_ROOT, process.env.FTF_MODELS_DIR ?? '.models');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`pnpm --filter @find-this-fit/eval build` first; `pnpm test` builds everything). */
export function runCli(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

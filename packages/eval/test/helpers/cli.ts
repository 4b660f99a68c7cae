import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CLI = resolve(REPO_ROOT, 'packages/eval/dist/cli.js');
export const MODELS_DIR = resolve(REPO_ROOT, process.env.FTF_MODELS_ROOT ?? process.env.FTF_MODELS_DIR ?? '.models');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI (`pnpm --filter @find-this-fit/eval build` first; `pnpm test` builds everything). */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => CliResult; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), done };
}

export const runCli = (args: string[]) => startCli(args).done;

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './stack.js';

export const CLI = resolve(REPO_ROOT, 'packages/ingest/dist/cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI (`pnpm --filter @find-this-fit/ingest build` first). */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FTF_INGEST_API_KEY: '', FTF_API_KEY: '', ...env },
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
  const done = new Promise<CliResult>((resolveDone) =>
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export const runCli = (args: string[], env?: Record<string, string>) => startCli(args, env).done;

/** The `summary` object from the CLI's JSON log lines. */
export function summaryOf(stdout: string): Record<string, unknown> {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .map((l) => {
      try {
        return JSON.parse(l) as { summary?: Record<string, unknown> };
      } catch {
        return {};
      }
    })
    .find((l) => l.summary);
  if (!line?.summary) throw new Error(`no summary in output:\n${stdout.slice(-2000)}`);
  return line.summary;
}

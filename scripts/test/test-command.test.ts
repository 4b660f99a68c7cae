import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

/** `pnpm test`'s script with a chosen environment; resolves with its exit code and what it printed. */
function testCommand(env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FTF_TEST_INSTALL: '0' };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  return new Promise((done, reject) => {
    const child = spawn('bash', ['scripts/test.sh'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => done({ code, stderr }));
  });
}

/** An executable that answers `--version` like the real thing: lets the script get past one check to the next. */
async function fakeBinary(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftf-test-command-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Only the paths that stop before anything is built or started: each must end in one line that names the fix.
describe('pnpm test when what the tests need is missing', () => {
  it('names a CHROMIUM_PATH that does not run, in one line, and builds nothing', async () => {
    const { code, stderr } = await testCommand({ CHROMIUM_PATH: join(dir, 'no-such-chromium') });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      `pnpm test: CHROMIUM_PATH=${join(dir, 'no-such-chromium')} does not run (--version failed): point it at a Chromium or Chrome binary, or unset it to use Debian's /usr/bin/chromium.`,
    ]);
  });

  it('names a PG_CONFIG that does not run', async () => {
    const chromium = await fakeBinary('chromium', 'echo "Chromium 1.0"');
    const { code, stderr } = await testCommand({
      CHROMIUM_PATH: chromium,
      FTF_TEST_DATABASE_URL: undefined,
      PG_CONFIG: join(dir, 'no-such-pg_config'),
    });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      `[test] Chromium: ${chromium}`,
      `pnpm test: PG_CONFIG=${join(dir, 'no-such-pg_config')} does not run: point it at the pg_config of a PostgreSQL 15 server, or unset it to use /usr/lib/postgresql/15/bin/pg_config.`,
    ]);
  });

  it('says which command installs PostgreSQL + pgvector when it may not install them itself', async () => {
    const chromium = await fakeBinary('chromium', 'echo "Chromium 1.0"');
    // A PostgreSQL without pgvector: its share/extension folder has no vector.control.
    await mkdir(join(dir, 'share', 'extension'), { recursive: true });
    const pgConfig = await fakeBinary(
      'pg_config',
      `case "$1" in --sharedir) echo "${dir}/share" ;; --pkglibdir) echo "${dir}/lib" ;; *) echo "PostgreSQL 15.0" ;; esac`,
    );
    const { code, stderr } = await testCommand({
      CHROMIUM_PATH: chromium,
      FTF_TEST_DATABASE_URL: undefined,
      PG_CONFIG: pgConfig,
    });
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^pnpm test: PostgreSQL 15 with pgvector 0\.8\.0 is missing .*: run `(sudo )?bash \.ci\/install-pgvector\.sh` .*FTF_TEST_DATABASE_URL/,
    );
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FindThisFit } from '@find-this-fit/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIM, SECRET } from '../api/harness.js';

// The real bin, as an operator runs it: data written to the PGlite dir survives a restart, SIGTERM
// shuts down cleanly (exit 0), and a second server on the same dir is refused while the first runs.
const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
let dataDir: string;
const children: ChildProcess[] = [];

function serve(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run \`pnpm build\` first.`);
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      FTF_DATA_DIR: dataDir,
      FTF_MODEL: 'fixture',
      FTF_SECRET_KEYS: SECRET,
      FTF_OPEN: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) resolvePromise({ child, url: match[1]!, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ftf-restart-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

it('keeps data across a restart, shuts down on SIGTERM, and refuses a second server on the same data dir', async () => {
  const first = await serve();
  const client = new FindThisFit({ baseURL: first.url, apiKey: SECRET });
  const model = (await client.info()).model.fingerprint;
  const vector = Array.from({ length: DIM }, (_, i) => (i === 3 ? 1 : 0));
  const { ids } = await client.items.upsert(
    [
      {
        source: 'depop',
        externalId: 'kept-1',
        title: 'Kept jacket',
        url: 'https://m.example/1',
        imageUrl: 'https://m.example/1.jpg',
        vector,
      },
    ],
    { model },
  );

  const second = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, PORT: '0', FTF_DATA_DIR: dataDir, FTF_MODEL: 'fixture', FTF_OPEN: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let secondOutput = '';
  second.stdout.on('data', (c) => (secondOutput += c));
  second.stderr.on('data', (c) => (secondOutput += c));
  const [secondCode] = await once(second, 'exit');
  expect(secondCode).not.toBe(0);
  expect(secondOutput).toMatch(/lock|in use|locked/i);

  first.child.kill('SIGTERM');
  const [code] = await once(first.child, 'exit');
  expect(code).toBe(0);

  const again = await serve();
  const reopened = new FindThisFit({ baseURL: again.url, apiKey: SECRET });
  expect(await reopened.items.get(ids[0]!)).toMatchObject({ title: 'Kept jacket', externalId: 'kept-1' });
  expect((await reopened.info()).items.total).toBe(1);
  again.child.kill('SIGTERM');
  expect((await once(again.child, 'exit'))[0]).toBe(0);
}, 120_000);

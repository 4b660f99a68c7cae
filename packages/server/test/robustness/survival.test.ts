import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIM, MODEL, PUBLISHABLE, SECRET } from '../api/harness.js';
import { hostileRequests, rawRequest } from './raw-requests.js';

// The real bin as an operator runs it, sent every request that has ever crashed a request stream:
// the process must still be running afterwards and still answer /healthz and a search.
const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
let dataDir: string;
let child: ChildProcess;
let url: string;
let port: number;
let output = '';

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run \`pnpm build\` first.`);
  dataDir = await mkdtemp(join(tmpdir(), 'ftf-survival-'));
  child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      FTF_DATA_DIR: dataDir,
      FTF_MODEL: 'fixture',
      FTF_SECRET_KEYS: SECRET,
      FTF_PUBLISHABLE_KEYS: PUBLISHABLE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) resolveUrl(match[1] as string);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  port = Number(new URL(url).port);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('survives every formerly crashing request and still answers /healthz and a search', async () => {
  const answers: Array<{ name: string; status: number | null }> = [];
  for (const request of hostileRequests(PUBLISHABLE)) {
    const answer = await rawRequest(port, request.bytes, { after: request.after ?? 'end' });
    answers.push({ name: request.name, status: answer.status });
    expect(child.exitCode, `server exited after "${request.name}":\n${output}`).toBeNull();
    expect(child.signalCode).toBeNull();
  }
  // Every answer that came back is a client error, never a 5xx (an aborted upload may get no answer at all).
  for (const { name, status } of answers) {
    if (status !== null) expect(status, name).toBeGreaterThanOrEqual(400);
    if (status !== null) expect(status, name).toBeLessThan(500);
  }
  if (process.env.FTF_PRINT_ANSWERS) console.log(answers);
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const search = await fetch(`${url}/v1/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISHABLE}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, vector: Array.from({ length: DIM }, (_, i) => (i === 0 ? 1 : 0)) }),
  });
  expect(search.status, await search.clone().text()).toBe(200);
  expect(output).not.toMatch(/uncaught|unhandled/i);
}, 120_000);

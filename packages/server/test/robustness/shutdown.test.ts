import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIM, SECRET } from '../api/harness.js';

// The real bin under load, as an orchestrator stops it: SIGTERM with 64 keep-alive clients still
// sending. Every request the server accepted gets a complete answer (Connection: close tells the client
// to go away); a new connection after the listener closed is refused, never reset. Every acknowledged
// write is there after a restart. And a full query queue answers 503 + Retry-After, logged once.
const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
let dataDir: string;
const children: ChildProcess[] = [];

async function serve(env: Record<string, string> = {}, dir = dataDir) {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run \`pnpm build\` first.`);
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      FTF_DATA_DIR: dir,
      FTF_MODEL: 'fixture',
      FTF_SECRET_KEYS: SECRET,
      FTF_OPEN: 'true',
      FTF_RATE_LIMIT_RPS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolveUrl(match[1] as string);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, path: string, agent: Agent | false, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${SECRET}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', reject);
        res.on('end', () =>
          res.complete
            ? resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: text })
            : reject(Object.assign(new Error('incomplete response'), { code: 'INCOMPLETE' })),
        );
      },
    );
    // reusedSocket: did the error hit a keep-alive connection the server had already accepted?
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(payload);
  });
}

const vector = (seed: number) => Array.from({ length: DIM }, (_, i) => Math.sin(seed * 31 + i));
let model: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ftf-shutdown-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

it('answers every accepted request on SIGTERM under load, exits 0, and keeps every acknowledged write', async () => {
  const server = await serve();
  model = (JSON.parse((await send(server.url, 'GET', '/v1/info', false)).body) as { model: { fingerprint: string } })
    .model.fingerprint;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const acknowledged = new Map<string, string>();
  const outcomes = { answered: 0, refused: 0, freshResets: 0, failed: [] as string[], non200: [] as number[] };
  let answeredBeforeSigterm = 0;
  let stop = false;
  let next = 0;
  const clients = Array.from({ length: 64 }, async (_, lane) => {
    while (!stop) {
      const write = lane % 4 === 0;
      const externalId = `sd-${next++}`;
      try {
        const answer = write
          ? await send(server.url, 'PUT', '/v1/items', agent, {
              model,
              items: [
                {
                  source: 'shutdown',
                  externalId,
                  title: `Item ${externalId}`,
                  url: `https://m.example/${externalId}`,
                  imageUrl: `https://m.example/${externalId}.jpg`,
                  vector: vector(next),
                },
              ],
            })
          : await send(server.url, 'POST', '/v1/search', agent, { model, vector: vector(next), k: 10 });
        outcomes.answered++;
        if (answer.status !== 200) outcomes.non200.push(answer.status);
        else if (write) acknowledged.set((JSON.parse(answer.body) as { ids: string[] }).ids[0] as string, externalId);
      } catch (error) {
        const code = String((error as { code?: unknown }).code);
        if (code === 'ECONNREFUSED') outcomes.refused++;
        // A reset on a brand-new connection in the instant the listener closes can be the kernel's: a
        // connection completed in the accept queue but never accepted is reset by the OS, not by the server.
        else if (code === 'ECONNRESET' && !(error as { reusedSocket?: boolean }).reusedSocket) outcomes.freshResets++;
        else outcomes.failed.push(code);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  });

  // Let the load build up, then stop the server in the middle of it.
  while (outcomes.answered < 150) await new Promise((r) => setTimeout(r, 20));
  answeredBeforeSigterm = outcomes.answered;
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await Promise.all(clients);
  agent.destroy();

  expect(code).toBe(0);
  // No request on an accepted keep-alive connection is reset, cut off or dropped (the bug of issue 13).
  expect(outcomes.failed).toEqual([]);
  // The accept-queue race above: seen at most once, on a machine at load ~15, in a handful of runs.
  expect(outcomes.freshResets).toBeLessThanOrEqual(2);
  expect(outcomes.non200).toEqual([]);
  expect(outcomes.answered).toBeGreaterThan(answeredBeforeSigterm);
  expect(server.output()).not.toMatch(/shutdown timeout/);
  expect(acknowledged.size).toBeGreaterThan(0);

  const restarted = await serve();
  const missing: string[] = [];
  for (const [id, externalId] of acknowledged) {
    const answer = await send(restarted.url, 'GET', `/v1/items/${id}`, false);
    if (answer.status !== 200 || (JSON.parse(answer.body) as { externalId: string }).externalId !== externalId)
      missing.push(externalId);
  }
  expect(missing).toEqual([]);
  restarted.child.kill('SIGTERM');
  expect((await once(restarted.child, 'exit'))[0]).toBe(0);
}, 300_000);

it('answers 503 overloaded with Retry-After when the query queue is full, and logs the burst once', async () => {
  const server = await serve({ FTF_QUERY_QUEUE_MAX: '1' }, join(dataDir, 'shedding'));
  const agent = new Agent({ keepAlive: true, maxSockets: 48 });
  const answers = await Promise.all(
    Array.from({ length: 48 }, (_, i) =>
      send(server.url, 'POST', '/v1/search', agent, { model, vector: vector(i), k: 50 }),
    ),
  );
  agent.destroy();
  const shed = answers.filter((a) => a.status === 503);
  expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
  expect(answers.some((a) => a.status === 200)).toBe(true);
  expect(shed.length).toBeGreaterThan(0);
  for (const a of shed) {
    expect(a.headers['retry-after']).toBe('1');
    expect(JSON.parse(a.body)).toEqual({
      error: { code: 'overloaded', message: 'The server is busy; retry after the Retry-After delay.' },
    });
  }
  // The queue drains: after a quiet second the next request is answered, and the drain is reported with the count.
  await new Promise((r) => setTimeout(r, 1_100));
  expect((await send(server.url, 'POST', '/v1/search', false, { model, vector: vector(99), k: 5 })).status).toBe(200);
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
  const log = server.output();
  expect(log.match(/query queue full/g)?.length).toBe(1);
  expect(log).toMatch(new RegExp(`"shed":${shed.length}\\b.*query queue drained`));
}, 300_000);

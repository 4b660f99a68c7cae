import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIM, MODEL, SECRET } from '../api/harness.js';

// SIGTERM while requests sit in the server's sockets unanswered: HTTP/1.1 pipelining puts several requests
// on one connection before the first answer (a body runs straight into the next status line, so statuses are
// matched anywhere, not at line starts). Each of them was accepted, so each gets a complete answer;
// only the last one on a connection carries Connection: close, and nothing is reset.
const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const SOCKETS = 8;
const DEPTH = 4;
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
      FTF_RATE_LIMIT_RPS: '0',
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

const vector = (seed: number) => Array.from({ length: DIM }, (_, i) => Math.sin(seed * 31 + i) + 0.01);

function rawRequest(host: string, method: string, path: string, body: unknown, last: boolean): string {
  const payload = JSON.stringify(body);
  return [
    `${method} ${path} HTTP/1.1`,
    `host: ${host}`,
    `authorization: Bearer ${SECRET}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(payload)}`,
    // The client closes after its last request, as a well-behaved pipelining client would.
    ...(last ? ['connection: close'] : []),
    '',
    payload,
  ].join('\r\n');
}

/** Writes DEPTH requests on one connection in a single write; resolves with the statuses that came back. */
function pipelined(
  url: string,
  lane: number,
): { sent: Promise<void>; done: Promise<{ statuses: number[]; error?: string }> } {
  const { hostname, port, host } = new URL(url);
  const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
  const requests = Array.from({ length: DEPTH }, (_, i) =>
    i % 2 === 0
      ? rawRequest(
          host,
          'POST',
          '/v1/search',
          { model: MODEL, vector: vector(lane * DEPTH + i), k: 20 },
          i === DEPTH - 1,
        )
      : rawRequest(
          host,
          'PUT',
          '/v1/items',
          {
            model: MODEL,
            items: [
              {
                source: 'pipelined',
                externalId: `p-${lane}-${i}`,
                title: `Pipelined ${lane}-${i}`,
                url: `https://m.example/p/${lane}/${i}`,
                imageUrl: `https://m.example/p/${lane}/${i}.jpg`,
                vector: vector(1000 + lane * DEPTH + i),
              },
            ],
          },
          i === DEPTH - 1,
        ),
  ).join('');
  let received = '';
  let error: string | undefined;
  // First one request answered, so the server has accepted this connection (a connection still in the
  // kernel's accept queue when the listener closes is reset by the kernel, not by the server); then the batch.
  let warmed: () => void = () => {};
  const warm = new Promise<void>((r) => {
    warmed = r;
  });
  const sent = (async () => {
    await once(socket, 'connect');
    socket.write(`GET /healthz HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
    await warm;
    await new Promise<void>((r) => socket.write(requests, () => r()));
  })();
  socket.on('data', (chunk) => {
    received += chunk;
    if (received.includes('{"status":"ok"}')) warmed();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message;
  });
  const done = new Promise<{ statuses: number[]; error?: string }>((resolveDone) =>
    socket.on('close', () => {
      // The warm-up answer is not one of the pipelined ones.
      const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])).slice(1);
      resolveDone({ statuses, ...(error ? { error } : {}) });
    }),
  );
  return { sent, done };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ftf-pipelined-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

it('answers pipelined requests waiting in the socket at SIGTERM, and stores their writes', async () => {
  const server = await serve();
  // Some rows so searches take a moment and requests queue up behind each other.
  const seedBody = {
    model: MODEL,
    items: Array.from({ length: 300 }, (_, i) => ({
      source: 'seed',
      externalId: `s-${i}`,
      title: `Seed ${i}`,
      url: `https://m.example/s/${i}`,
      imageUrl: `https://m.example/s/${i}.jpg`,
      vector: vector(i),
    })),
  };
  const seeded = await fetch(`${server.url}/v1/items`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify(seedBody),
  });
  expect(seeded.status).toBe(200);

  const pipes = Array.from({ length: SOCKETS }, (_, lane) => pipelined(server.url, lane));
  await Promise.all(pipes.map((p) => p.sent));
  server.child.kill('SIGTERM');
  const results = await Promise.all(pipes.map((p) => p.done));
  const [exitCode] = await once(server.child, 'exit');

  expect(results).toEqual(Array(SOCKETS).fill({ statuses: Array(DEPTH).fill(200) }));
  expect(exitCode).toBe(0);
  expect(server.output()).not.toMatch(/shutdown timeout/);

  const restarted = await serve();
  for (let lane = 0; lane < SOCKETS; lane++) {
    for (let i = 1; i < DEPTH; i += 2) {
      const answer = await fetch(`${restarted.url}/v1/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, vector: vector(1000 + lane * DEPTH + i), k: 1 }),
      });
      const { results: hits } = (await answer.json()) as { results: { externalId: string }[] };
      expect(hits[0]?.externalId).toBe(`p-${lane}-${i}`);
    }
  }
  restarted.child.kill('SIGTERM');
  expect((await once(restarted.child, 'exit'))[0]).toBe(0);
}, 120_000);

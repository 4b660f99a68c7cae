import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { HttpDrainer } from '../../src/shutdown.js';

// The drainer on a plain node:http server: what the client sees of a shutdown.
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  const drainer = new HttpDrainer(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => server.closeAllConnections());
  return { server, drainer, port: (server.address() as AddressInfo).port };
}

const get = (port: number, agent?: Agent) =>
  new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });

it('answers the request in flight with Connection: close, then finishes without cutting anything', async () => {
  let release: () => void = () => {};
  const started = new Promise<void>((s) => {
    release = s;
  });
  let finish: () => void = () => {};
  const { drainer, port } = await listen((_req, res) => {
    release();
    finish = () => res.end('ok');
  });
  const answer = get(port);
  await started;
  const drained = drainer.drain(10_000);
  finish();
  expect(await answer).toEqual({ status: 200, connection: 'close' });
  expect(await drained).toEqual({ cut: 0, timedOut: false });
});

it('cuts what is still running at the hard timeout and counts it', async () => {
  let seen: () => void = () => {};
  const arrived = new Promise<void>((s) => {
    seen = s;
  });
  const { drainer, port } = await listen(() => {
    seen(); // never answers
  });
  const answer = get(port).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );
  await arrived;
  expect(drainer.inFlight).toBe(1);
  expect(await drainer.drain(200)).toEqual({ cut: 1, timedOut: true });
  expect(await answer).toBe('ECONNRESET');
});

it('closes an idle keep-alive connection after the linger, and a request sent meanwhile is still answered', async () => {
  const { drainer, port } = await listen((_req, res) => res.end('ok'));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  expect((await get(port, agent)).connection).toBe('keep-alive');
  const drained = drainer.drain(10_000);
  // Same idle connection, after shutdown began: answered, and told to close.
  expect(await get(port, agent)).toEqual({ status: 200, connection: 'close' });
  expect(await drained).toEqual({ cut: 0, timedOut: false });
});

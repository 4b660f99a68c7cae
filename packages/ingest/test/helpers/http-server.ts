import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  headers: IncomingMessage['headers'];
  start: number;
  end: number;
}

/** A tiny loopback server for fetcher tests: routes by path, records every request with its timing. */
export async function scriptedServer(handler: (req: IncomingMessage, res: ServerResponse, count: number) => unknown) {
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const entry: SeenRequest = { path: req.url ?? '/', headers: req.headers, start: Date.now(), end: 0 };
    seen.push(entry);
    res.on('close', () => {
      inFlight--;
      entry.end = Date.now();
    });
    try {
      await handler(req, res, seen.filter((s) => s.path === entry.path).length);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    get maxInFlight() {
      return maxInFlight;
    },
    count: (path: string) => seen.filter((s) => s.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

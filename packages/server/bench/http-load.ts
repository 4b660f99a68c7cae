import { connect, type Socket } from 'node:net';

/**
 * A minimal HTTP/1.1 keep-alive load generator over raw sockets: each connection sends a request, reads one
 * response (Content-Length framing, which is all the server sends for JSON), records its latency with
 * sub-millisecond resolution, and sends the next. Cheaper per request than autocannon (which also rounds
 * latencies to whole milliseconds), so more of the 2 cores go to the server being measured.
 */
export interface LoadOptions {
  host: string;
  port: number;
  connections: number;
  durationMs: number;
  /** Whole request bytes (request line, headers, body) for the i-th request. */
  request(i: number): Buffer;
  /** Called with each response body that arrived with a 2xx status (e.g. to check results). */
  onBody?(i: number, body: Buffer): void;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Milliseconds, one per completed 2xx response. */
  latencies: number[];
  elapsedMs: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const worker = (socket: Socket) =>
    new Promise<void>((resolve) => {
      let buffered: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let current = 0;
      const send = () => {
        if (performance.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        current = next++;
        sentAt = performance.now();
        socket.write(options.request(current));
      };
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        for (;;) {
          const end = buffered.indexOf(HEADER_END);
          if (end < 0) return;
          const head = buffered.subarray(0, end).toString('latin1');
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          const status = Number(head.slice(9, 12));
          const body = buffered.subarray(end + 4, end + 4 + length);
          buffered = buffered.subarray(end + 4 + length);
          if (status >= 200 && status < 300) {
            latencies.push(performance.now() - sentAt);
            options.onBody?.(current, body);
          } else errors++;
          send();
        }
      });
      socket.on('error', () => {
        errors++;
        resolve();
      });
      socket.on('close', () => resolve());
      send();
    });

  const sockets = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(options.port, options.host, () => resolve(socket));
          socket.setNoDelay(true);
          socket.once('error', reject);
        }),
    ),
  );
  await Promise.all(sockets.map(worker));
  return { requests: latencies.length + errors, errors, latencies, elapsedMs: performance.now() - started };
}

/** A POST with a JSON body, as raw bytes. */
export function jsonPost(host: string, path: string, body: string, headers: Record<string, string> = {}): Buffer {
  const bytes = Buffer.from(body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n${extra}\r\n`,
    ),
    bytes,
  ]);
}

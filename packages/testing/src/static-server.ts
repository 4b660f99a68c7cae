import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves folders under URL prefixes on 127.0.0.1 (port 0), by default with cross-origin isolation headers so
 * ONNX Runtime may use WASM threads. Paths are confined to their folder.
 */
/** Content-hashed file names (the widget's ONNX Runtime files, `name.0123456789.wasm`): cached for a year. */
const CONTENT_HASHED = /\.[0-9a-f]{10}\.(?:wasm|mjs)$/;

export async function serveStatic(
  mounts: Record<string, string>,
  options: { isolated?: boolean; cors?: boolean } = {},
): Promise<StaticServer> {
  // Cross-origin isolation lets ORT use WASM threads, but blocks cross-origin images that lack CORP headers
  // (marketplace photos): pages that show such images opt out.
  const isolation =
    options.isolated === false
      ? {}
      : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  // A CDN answers any origin, and lets isolated pages embed its files (CORP).
  const cors = options.cors
    ? { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' }
    : {};
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : mounts[prefix];
    const file = root === undefined ? undefined : normalize(join(root, path.slice(prefix!.length) || 'index.html'));
    const confined = root && file?.startsWith(normalize(root) + sep);
    const info = confined && file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      res.writeHead(404, cors).end();
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      ...(CONTENT_HASHED.test(file) ? { 'cache-control': 'public, max-age=31536000, immutable' } : {}),
      ...isolation,
      ...cors,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@find-this-fit/server';
import { MODELS_DIR } from '@find-this-fit/testing/paths';
import { type SeededListing, startSeededServer } from '@find-this-fit/testing/seeded-server';
import { type StaticServer, serveStatic } from '@find-this-fit/testing/static-server';

export const WIDGET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_DIR = join(WIDGET_DIR, 'dist');
// The seeded server lives in @find-this-fit/testing (the demo and Vue shop tests use it too).
export {
  fixtureEmbedder,
  PUBLISHABLE,
  SECRET,
  type SeededListing,
  type SeededServer,
  seedCatalogue,
  startSeededServer,
} from '@find-this-fit/testing/seeded-server';

/** The test shop page: the widget as a host would drop it in, plus an event log the tests read. */
const PAGE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Widget test shop</title>
<style>body { font-family: system-ui, sans-serif; margin: 0; padding: 16px; background: #f6f6f6; }</style>
</head>
<body>
<main>
<h1>Test shop</h1>
<find-this-fit></find-this-fit>
</main>
<script>
  window.ftfEvents = [];
  for (const type of ['ftf-results', 'ftf-select', 'ftf-error', 'ftf-model-progress']) {
    // Listening on document proves the events bubble out of the shadow root (composed).
    document.addEventListener(type, (event) => window.ftfEvents.push({ type, detail: event.detail, at: performance.now() }));
  }
</script>
<script type="module" src="/widget/find-this-fit.js"></script>
</body>
</html>`;

/** The built widget, the model folders and a shop page (with an event log) on one loopback origin. */
export async function serveShopPage(): Promise<{ page: StaticServer; pageRoot: string }> {
  const pageRoot = await mkdtemp(join(tmpdir(), 'ftf-widget-page-'));
  await writeFile(join(pageRoot, 'index.html'), PAGE_HTML);
  // Not cross-origin isolated, like most shops: listing photos come from other origins without CORP headers.
  const page = await serveStatic({ '/widget/': DIST_DIR, '/models/': MODELS_DIR, '/': pageRoot }, { isolated: false });
  return { page, pageRoot };
}

export interface WidgetEnv {
  page: StaticServer;
  api: RunningServer;
  marketplaceUrl: string;
  listings: SeededListing[];
  /** Serves a file from the shop page's origin, e.g. a photo for `searchImage(url)`. */
  putPageFile(name: string, body: Buffer | string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Everything a widget test needs, real and on loopback: a seeded server (above) and a static server for the built
 * widget, the model files and a shop page.
 */
export async function startWidgetEnv(
  options: { count?: number; env?: Record<string, string> } = {},
): Promise<WidgetEnv> {
  const { page, pageRoot } = await serveShopPage();
  const server = await startSeededServer({ pageOrigin: page.url, ...options });
  return {
    page,
    api: server.api,
    marketplaceUrl: server.marketplaceUrl,
    listings: server.listings,
    async putPageFile(name, body) {
      await writeFile(join(pageRoot, name), body);
      return `${page.url}/${name}`;
    },
    async close() {
      await server.close();
      await page.close();
      await rm(pageRoot, { recursive: true, force: true });
    },
  };
}

export interface FaultProxy {
  url: string;
  /** The next `times` requests whose path starts with `prefix` get this response instead of the server's. */
  fail(prefix: string, status: number, body: unknown, headers?: Record<string, string>, times?: number): void;
  clear(): void;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the real server that can answer chosen requests with an error status
 * (in the server's own error body format), for error states the real server cannot be driven into on demand.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let faults: { prefix: string; status: number; body: unknown; headers: Record<string, string>; left: number }[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const fault = req.method !== 'OPTIONS' ? faults.find((f) => path.startsWith(f.prefix) && f.left > 0) : undefined;
    if (fault) {
      fault.left--;
      const origin = req.headers.origin;
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(origin
          ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'retry-after, x-request-id' }
          : {}),
        ...fault.headers,
      });
      req.resume();
      res.end(JSON.stringify(fault.body));
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fail(prefix, status, body, headers = {}, times = 1) {
      faults.push({ prefix, status, body, headers, left: times });
    },
    clear() {
      faults = [];
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

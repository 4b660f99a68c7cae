// @ts-check
// Serves the demo shop page, the built widget (/widget/) and, for offline demos, a model folder (/models/).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTENT_HASHED = /\.[0-9a-f]{10}\.(?:wasm|mjs)$/;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** The widget's build folder, from the installed package. */
export function widgetDistDir() {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@find-this-fit/widget/package.json')), 'dist');
}

/** @param {string} text */
const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
/** @param {string} text */
const escapeHtml = (text) => escapeAttribute(text).replace(/>/g, '&gt;');

/**
 * Starts the demo shop.
 * @param {{ apiBase: string, apiKey?: string, port?: number, host?: string, modelsDir?: string, model?: string, notice?: string }} options
 *   `modelsDir` + `model`: serve that model folder (e.g. `.models` + `fixture`) so the page works offline;
 *   without them the widget loads the server's model from the Hugging Face hub.
 *   `notice`: a banner above the widget, e.g. that the results come from a generated model.
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startDemoShop(options) {
  if (!options || typeof options.apiBase !== 'string' || !/^https?:\/\//.test(options.apiBase)) {
    throw new TypeError('startDemoShop needs apiBase, the search server URL (http:// or https://)');
  }
  if ((options.modelsDir === undefined) !== (options.model === undefined)) {
    throw new TypeError('modelsDir and model go together (the folder holding model folders, and the folder name)');
  }
  const dist = widgetDistDir();
  await stat(join(dist, 'find-this-fit.js')).catch(() => {
    throw new Error(`The widget is not built (${dist}); run \`pnpm build\` first.`);
  });
  const template = await readFile(join(HERE, 'index.html'), 'utf8');
  if (options.notice !== undefined && typeof options.notice !== 'string') throw new TypeError('notice must be text');
  const page = template
    .replace('{{NOTICE}}', options.notice ? `<p class="notice" role="note">${escapeHtml(options.notice)}</p>` : '')
    .replace('{{API_BASE}}', escapeAttribute(options.apiBase))
    .replace('{{API_KEY}}', escapeAttribute(options.apiKey ?? ''))
    .replace('{{MODEL_URL}}', options.model ? `/models/${escapeAttribute(options.model)}` : ''); // empty: the hub
  /** @type {Record<string, string>} */
  const mounts = { '/widget/': dist };
  if (options.modelsDir) mounts['/models/'] = options.modelsDir;

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': MIME['.html'], 'cache-control': 'no-cache' }).end(page);
      return;
    }
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    const root = prefix ? mounts[prefix] : undefined;
    const file = root && prefix ? normalize(join(root, path.slice(prefix.length))) : undefined;
    const info = root && file?.startsWith(normalize(root) + sep) ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { 'content-type': MIME['.txt'] }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[/** @type {keyof typeof MIME} */ (extname(file))] ?? 'application/octet-stream',
      'content-length': info.size,
      // The widget's ONNX Runtime files carry their content hash: cached for good, so Chromium's compiled-code
      // cache serves the next visit; everything else is revalidated.
      'cache-control': CONTENT_HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  const port = options.port ?? 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

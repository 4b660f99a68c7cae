#!/usr/bin/env node
// @ts-check
import { parseArgs } from 'node:util';
import { startDemoShop } from './server.js';

const HELP = `ftf-demo-shop — serve the demo shop page with <find-this-fit>

  --api-base URL     the search server (default http://127.0.0.1:8787)
  --api-key KEY      a publishable key allowed for this page's origin (or none with FTF_OPEN=true on the server)
  --port N           default 5173
  --models-dir DIR   serve model folders from DIR under /models/ (offline demos, e.g. .models)
  --model NAME       the folder under --models-dir to load (e.g. fixture)
  --notice TEXT      a banner above the widget (e.g. that results come from a generated model)
`;

const { values } = parseArgs({
  options: {
    'api-base': { type: 'string', default: 'http://127.0.0.1:8787' },
    'api-key': { type: 'string' },
    port: { type: 'string', default: '5173' },
    'models-dir': { type: 'string' },
    model: { type: 'string' },
    notice: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0..65535, got ${values.port}\n`);
  process.exit(2);
}
const shop = await startDemoShop({
  apiBase: values['api-base'] ?? '',
  port,
  ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
  ...(values.model ? { model: values.model } : {}),
  ...(values.notice ? { notice: values.notice } : {}),
});
process.stdout.write(`demo shop: ${shop.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => shop.close().then(() => process.exit(0)));

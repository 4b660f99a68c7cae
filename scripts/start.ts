// `pnpm start` — the main job, on one machine, with nothing but Node 20: the search server on the embedded
// database (PGlite), the fixture marketplace, one ingest run of its catalogue (with a progress bar) and the demo
// shop page with the widget. Prints the URL to open. Data, model files and crawl state persist under .ftf-data/
// and .models/, so a second start only re-checks what changed.
//
// FTF_MODEL=siglip-b16 (default, downloaded from the Hugging Face hub once) or FTF_MODEL=fixture (generated, offline).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureMarketplace } from '@find-this-fit/example-fixture-marketplace';
import { getPreset } from '@find-this-fit/sdk';
import { createLogger, loadConfig, startServer } from '@find-this-fit/server';
import { startDemoShop } from '../examples/demo-shop/server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS_DIR = resolve(ROOT, process.env.FTF_MODELS_DIR ?? '.models');
const DATA_ROOT = resolve(ROOT, process.env.FTF_DEMO_DATA_DIR ?? '.ftf-data/demo');
const MODEL = process.env.FTF_MODEL ?? 'siglip-b16';
const HOST = '127.0.0.1';
const LISTINGS = Number(process.env.FTF_DEMO_LISTINGS ?? 120);

const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** A port from the environment, or a free one (0 asks the OS) chosen now so every URL is known up front. */
async function port(variable: string, preferred: number): Promise<number> {
  const wanted = process.env[variable] === undefined ? preferred : Number(process.env[variable]);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535)
    fail(`${variable} must be a port number (0 = any free one)`);
  const free = (candidate: number) =>
    new Promise<number | undefined>((done) => {
      const probe = createServer();
      probe.once('error', () => done(undefined));
      probe.listen(candidate, HOST, () => {
        const chosen = (probe.address() as { port: number }).port;
        probe.close(() => done(chosen));
      });
    });
  const chosen = (await free(wanted)) ?? (process.env[variable] === undefined ? await free(0) : undefined);
  if (chosen === undefined) fail(`${variable}: port ${wanted} is taken; set ${variable}=0 for any free port`);
  return chosen;
}

async function hubReachable(): Promise<boolean> {
  try {
    const response = await fetch('https://huggingface.co/api/models/Xenova/siglip-base-patch16-224', {
      method: 'HEAD',
      signal: AbortSignal.timeout(5000),
    });
    return response.status < 500;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((done, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? done() : reject(new Error(`${command} ${args[0]} exited with ${code}`)),
    );
  });
}

/** The model folder for the preset: generated (fixture) or downloaded once from the hub (real presets). */
async function ensureModel(): Promise<string> {
  try {
    getPreset(MODEL);
  } catch (error) {
    fail(String((error as Error).message));
  }
  const dir = join(MODELS_DIR, MODEL);
  if (existsSync(join(dir, 'config.json'))) return dir;
  if (MODEL === 'fixture' || MODEL === 'fixture-siglip') {
    say(`generating the fixture models into ${MODELS_DIR}`);
    await run(process.execPath, [join(ROOT, 'packages/sdk/dist/cli/models.js'), 'fixture', '--out', MODELS_DIR]);
    return dir;
  }
  if (!(await hubReachable())) {
    fail(
      `The model hub (huggingface.co) is not reachable from here, so ${MODEL} cannot be downloaded: run \`FTF_MODEL=fixture pnpm start\` for the offline demo.`,
    );
  }
  say(`downloading ${MODEL} once into ${dir} (later starts reuse it)`);
  await run(process.execPath, [join(ROOT, 'packages/sdk/dist/cli/models.js'), 'download', MODEL, '--out', MODELS_DIR]);
  return dir;
}

async function main() {
  const modelDir = await ensureModel();
  const [apiPort, marketPort, shopPort] = [
    await port('FTF_DEMO_API_PORT', 8787),
    await port('FTF_DEMO_MARKET_PORT', 4400),
    await port('FTF_DEMO_SHOP_PORT', 5173),
  ];
  const shopOrigin = `http://${HOST}:${shopPort}`;
  const secret = `sk_demo_${randomBytes(16).toString('hex')}`;
  const publishable = `pk_demo_${randomBytes(8).toString('hex')}`;
  await mkdir(DATA_ROOT, { recursive: true });

  const marketplace = await startFixtureMarketplace({ count: LISTINGS, seed: 1, port: marketPort, host: HOST });
  const api = await startServer(
    loadConfig({
      HOST,
      PORT: String(apiPort),
      FTF_DATA_DIR: join(DATA_ROOT, `db-${MODEL}`),
      FTF_MODEL: MODEL,
      FTF_MODEL_DIR: modelDir,
      FTF_SECRET_KEYS: secret,
      FTF_PUBLISHABLE_KEYS: `${publishable}=${shopOrigin}`,
      FTF_CORS_ORIGINS: shopOrigin,
      FTF_LOG_LEVEL: process.env.FTF_LOG_LEVEL ?? 'warn',
    }),
    createLogger((process.env.FTF_LOG_LEVEL as 'warn' | undefined) ?? 'warn'),
  );
  const stop = async () => {
    await Promise.allSettled([api.close(), marketplace.close(), shop?.close()]);
  };
  let shop: Awaited<ReturnType<typeof startDemoShop>> | undefined;
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  try {
    say(
      `search server ${api.url} (PGlite in ${join(DATA_ROOT, `db-${MODEL}`)}), fixture marketplace ${marketplace.url}`,
    );
    const ingestConfig = join(DATA_ROOT, 'ingest.json');
    await writeFile(
      ingestConfig,
      `${JSON.stringify(
        {
          server: { url: api.url },
          modelDir,
          stateDir: join(DATA_ROOT, `ingest-state-${MODEL}`),
          userAgent: { product: 'FindThisFitDemo/0.1', contactUrl: 'https://github.com/find-this-fit' },
          sources: [
            { type: 'depop', apiBase: `${marketplace.url}/depop/api/v3`, webBase: `${marketplace.url}/depop` },
            { type: 'shopify', storeUrl: `${marketplace.url}/shopify`, currency: 'EUR' },
            { type: 'jsonld', sitemapUrl: `${marketplace.url}/shop/sitemap.xml` },
          ],
          fetch: { crawlDelayMs: 0, allowLoopback: true },
        },
        null,
        2,
      )}\n`,
    );
    say('ingesting the marketplace catalogue (new and changed listings only)…');
    await run(
      process.execPath,
      [join(ROOT, 'packages/ingest/dist/cli.js'), 'run', '-c', ingestConfig, '--log-level', 'warn'],
      {
        FTF_INGEST_API_KEY: secret,
      },
    );
    shop = await startDemoShop({
      apiBase: api.url,
      apiKey: publishable,
      port: shopPort,
      host: HOST,
      modelsDir: MODELS_DIR,
      model: MODEL,
    });
    say('');
    say(`Open ${shop.url} — the demo shop with <find-this-fit> (Ctrl-C to stop)`);
  } catch (error) {
    await stop();
    fail(`pnpm start failed: ${(error as Error).message}`);
  }
}

await main();

// `pnpm start` — the main job, on one machine, with nothing but Node 20: the search server on the embedded
// database (PGlite), the fixture marketplace, one ingest run of its catalogue (with a progress bar) and the demo
// shop page with the widget. Prints the URL to open, the demo's keys and a ready curl line. Data, model files
// and crawl state persist under .ftf-data/ and .models/, so a second start only re-checks what changed.
//
// The model: the SDK's default preset, downloaded once from the Hugging Face hub. Where the hub cannot be reached
// (and the preset is not in .models/ yet), the demo still starts, on the generated fixture model, with a banner in
// the terminal and on the page saying what that means. FTF_MODEL=<preset> picks one explicitly (no fallback then).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoShop } from '@find-this-fit/example-demo-shop';
import { JSONLD_SHOP, SHOPIFY_STORE, startFixtureMarketplace } from '@find-this-fit/fixture-marketplace';
import { DEFAULT_PRESET, fingerprintOf, getPreset, type ModelPreset } from '@find-this-fit/sdk';
import { readRenamedEnv } from '@find-this-fit/sdk/config';
import { createLogger, loadConfig, type RunningServer, startServer } from '@find-this-fit/server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS_DIR = resolve(ROOT, readRenamedEnv(process.env, 'FTF_MODELS_ROOT', ['FTF_MODELS_DIR']) ?? '.models');
const DATA_ROOT = resolve(ROOT, process.env.FTF_DEMO_DATA_DIR ?? '.ftf-data/demo');
const HOST = '127.0.0.1';
/** The generated model the offline demo falls back to (CLIP I/O, 128-d). */
const OFFLINE_PRESET = 'fixture';

const say = (line = '') => process.stdout.write(`${line}\n`);
/** A path as a reader finds it: relative inside the checkout, absolute elsewhere. */
const shown = (path: string) => (path.startsWith(`${ROOT}/`) ? relative(ROOT, path) : path);

function fail(message: string): never {
  process.stderr.write(`pnpm start: ${message}\n`);
  process.exit(1);
}

/** A whole number from the environment within bounds, or the default. */
function envInteger(variable: string, fallback: number, min: number, max: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(`${variable} must be a whole number ${min}..${max}`);
  return value;
}

/** A port from the environment, or a free one (0 asks the OS) chosen now so every URL is known up front. */
async function port(variable: string, preferred: number): Promise<number> {
  const explicit = process.env[variable] !== undefined;
  const wanted = envInteger(variable, preferred, 0, 65535);
  const free = (candidate: number) =>
    new Promise<number | undefined>((done) => {
      const probe = createServer();
      probe.once('error', () => done(undefined));
      probe.listen(candidate, HOST, () => {
        const chosen = (probe.address() as { port: number }).port;
        probe.close(() => done(chosen));
      });
    });
  const chosen = (await free(wanted)) ?? (explicit ? undefined : await free(0));
  if (chosen === undefined) fail(`${variable}: port ${wanted} is taken; set ${variable}=0 for any free port`);
  return chosen;
}

const isGenerated = (preset: ModelPreset) => preset.modelId.startsWith('generated/');
const hubEndpoint = () => (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');

async function hubReachable(preset: ModelPreset): Promise<boolean> {
  try {
    const response = await fetch(`${hubEndpoint()}/api/models/${preset.modelId}`, {
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

const modelsCli = (...args: string[]) =>
  run(process.execPath, [join(ROOT, 'packages/sdk/dist/cli/models.js'), ...args, '--out', MODELS_DIR]);

/** A model folder with its config and weights in place (a download cut short leaves no onnx/ files behind). */
const hasModel = (dir: string) => existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'onnx'));

interface ChosenModel {
  preset: ModelPreset;
  dir: string;
  /** Why the demo runs on the generated model instead of the default preset; undefined when it does not. */
  offlineBecause?: string;
}

/** The model folder: the requested or default preset (downloaded once), or the generated one when offline. */
async function chooseModel(): Promise<ChosenModel> {
  const requested = process.env.FTF_MODEL || undefined;
  let preset: ModelPreset;
  try {
    preset = getPreset(requested ?? DEFAULT_PRESET);
  } catch (error) {
    fail(`FTF_MODEL: ${(error as Error).message}`);
  }
  const dir = join(MODELS_DIR, preset.name);
  if (hasModel(dir)) return { preset, dir };
  if (isGenerated(preset)) {
    say(`generating the fixture models into ${shown(MODELS_DIR)}`);
    await modelsCli('fixture');
    return { preset, dir };
  }
  let offlineBecause: string;
  if (await hubReachable(preset)) {
    say(`downloading ${preset.name} (${preset.modelId}) once into ${shown(dir)}; later starts reuse it`);
    try {
      await modelsCli('download', preset.name);
      return { preset, dir };
    } catch (error) {
      if (requested) fail(`${preset.name} could not be downloaded (${(error as Error).message}).`);
      offlineBecause = `the download of ${preset.name} failed`;
    }
  } else {
    // Asked for by name: the user wants that model, not a stand-in.
    if (requested) {
      fail(
        `${preset.name} is not in ${shown(dir)} and ${new URL(hubEndpoint()).host} is not reachable: ` +
          `copy the folder from a machine that ran \`pnpm models:download ${preset.name}\`, or unset FTF_MODEL.`,
      );
    }
    offlineBecause = `${new URL(hubEndpoint()).host} is not reachable from here`;
  }
  const fallback = getPreset(OFFLINE_PRESET);
  const fallbackDir = join(MODELS_DIR, fallback.name);
  if (!hasModel(fallbackDir)) await modelsCli('fixture');
  return {
    preset: fallback,
    dir: fallbackDir,
    offlineBecause: `${offlineBecause}, so the real model (${preset.name}) could not be fetched`,
  };
}

/** What the offline demo is and is not, in the terminal and on the page; and how to get the real model. */
function offlineNotice(reason: string): string {
  const real = getPreset(DEFAULT_PRESET).name;
  return (
    `Offline demo: ${reason}. The listings are ranked by a generated stand-in model, so the results show the ` +
    `pipeline working end to end (photo → vector on your device → search → listings), not visual similarity. ` +
    `For the real model, run \`pnpm models:download ${real}\` on a machine that reaches the Hugging Face hub, ` +
    `copy .models/${real} into this checkout's .models/, and run \`pnpm start\` again.`
  );
}

/** Wraps text at `width` columns, for the terminal banner; a `command` in backticks stays on one line. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.match(/`[^`]*`\S*|\S+/g) ?? []) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function banner(text: string): void {
  const rule = '!'.repeat(100);
  say();
  say(rule);
  for (const line of wrap(text, 96)) say(`! ${line}`);
  say(rule);
  say();
}

async function main() {
  const model = await chooseModel();
  const notice = model.offlineBecause ? offlineNotice(model.offlineBecause) : undefined;
  if (notice) banner(notice);

  const listings = envInteger('FTF_DEMO_LISTINGS', 120, 1, 100_000);
  const apiPort = await port('FTF_DEMO_API_PORT', 8787);
  const marketPort = await port('FTF_DEMO_MARKET_PORT', 4400);
  const shopPort = await port('FTF_DEMO_SHOP_PORT', 5173);
  const shopOrigin = `http://${HOST}:${shopPort}`;
  // Fresh keys each start: this is a demo on loopback, and the keys are printed for you to try the API.
  const secret = `sk_demo_${randomBytes(16).toString('hex')}`;
  const publishable = `pk_demo_${randomBytes(8).toString('hex')}`;
  const dataDir = join(DATA_ROOT, `db-${model.preset.name}`);
  await mkdir(DATA_ROOT, { recursive: true });

  let marketplace: Awaited<ReturnType<typeof startFixtureMarketplace>> | undefined;
  let api: RunningServer | undefined;
  let shop: Awaited<ReturnType<typeof startDemoShop>> | undefined;
  const stop = async () => {
    await Promise.allSettled([api?.close(), marketplace?.close(), shop?.close()]);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  try {
    marketplace = await startFixtureMarketplace({ count: listings, seed: 1, port: marketPort, host: HOST });
    const config = loadConfig({
      HOST,
      PORT: String(apiPort),
      FTF_DATA_DIR: dataDir,
      FTF_MODEL: model.preset.name,
      FTF_IMAGE_SEARCH_MODEL_DIR: model.dir,
      FTF_SECRET_KEYS: secret,
      FTF_PUBLISHABLE_KEYS: `${publishable}=${shopOrigin}`,
      FTF_CORS_ORIGINS: shopOrigin,
      FTF_LOG_LEVEL: process.env.FTF_LOG_LEVEL ?? 'warn',
    });
    api = await startServer(config, createLogger(config.logLevel));
    say(`search server ${api.url} (PGlite in ${shown(dataDir)}), fixture marketplace ${marketplace.url}`);

    const ingestConfig = join(DATA_ROOT, 'ingest.json');
    await writeFile(
      ingestConfig,
      `${JSON.stringify(
        {
          server: { url: api.url },
          modelDir: model.dir,
          stateDir: join(DATA_ROOT, `ingest-state-${model.preset.name}`),
          userAgent: { product: 'FindThisFitDemo/0.1', contactUrl: 'https://github.com/find-this-fit/find-this-fit' },
          // Named sources: a listing's `source` is the shop's name, which the widget shows on its card.
          sources: [
            { type: 'depop', apiBase: `${marketplace.url}/depop/api/v3`, webBase: `${marketplace.url}/depop` },
            { type: 'shopify', storeUrl: `${marketplace.url}/shopify`, currency: 'EUR', name: SHOPIFY_STORE.name },
            { type: 'jsonld', sitemapUrl: `${marketplace.url}/shop/sitemap.xml`, name: JSONLD_SHOP.name },
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
      { FTF_INGEST_API_KEY: secret },
    );
    shop = await startDemoShop({
      apiBase: api.url,
      apiKey: publishable,
      port: shopPort,
      host: HOST,
      modelsDir: MODELS_DIR,
      model: model.preset.name,
      ...(notice ? { notice } : {}),
    });
  } catch (error) {
    await stop();
    fail(`${(error as Error).message}`);
  }

  say();
  say(`Open ${shop.url} — the demo shop with <find-this-fit> (Ctrl-C to stop)`);
  say();
  say(`  model            ${model.preset.name} (${fingerprintOf(model.preset)})${notice ? ' — offline stand-in' : ''}`);
  say(`  search API       ${api.url}   (OpenAPI: ${api.url}/openapi.json)`);
  say(`  publishable key  ${publishable}   (for pages on ${shopOrigin})`);
  say(`  secret key       ${secret}   (admin: writes and deletes; keep it server-side)`);
  say(`  try the API      curl -H 'authorization: Bearer ${secret}' ${api.url}/v1/info`);
  if (notice) banner(notice);
}

await main();

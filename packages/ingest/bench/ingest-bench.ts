// pnpm bench:ingest — end-to-end ingest rate (crawl → fetch images → check → embed → upsert → state) against the
// fixture marketplace and a real server (separate process, PGlite), compared with the raw embedder rate on the
// same images in the same run. Goal: end to end ≥ 85 % of the raw embedder rate (fetching, decoding and
// upserting hidden behind embedding).
// Options: --count N (fixture model, default 2000), --full-count N (full-size random SigLIP-B/16, default 200),
// --skip-full, --threads N, --json FILE.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SHOPIFY_STORE, startFixtureMarketplace } from '@find-this-fit/fixture-marketplace';
import { writeRandomVit } from '@find-this-fit/testing/fixture-model';
import pino from 'pino';
import { buildConfig } from '../src/config.js';
import { startWorkerEmbedder } from '../src/pipeline/worker-embedder.js';
import { ingestOnce } from '../src/wiring.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    'full-count': { type: 'string', default: '200' },
    'skip-full': { type: 'boolean', default: false },
    threads: { type: 'string' },
    json: { type: 'string' },
  },
});
const ROOT = resolve(import.meta.dirname, '../../..');
const MODELS = resolve(ROOT, process.env.FTF_MODELS_ROOT ?? process.env.FTF_MODELS_DIR ?? '.models');
const SECRET = 'sk_bench_ingest_0001';
const threads = values.threads ? Number(values.threads) : undefined;

interface Case {
  label: string;
  serverModel: string;
  modelDir: string;
  count: number;
  embedBatch: number;
}

interface Row extends Case {
  rawPerSecond: number;
  rawSpread: [number, number];
  endToEndPerSecond: number;
  ratio: number;
  durationS: number;
  embedded: number;
  /** Share of the run the embedder was working: what pipeline stalls would lower. */
  busy: number;
  /** 1-minute load average at the end of the run (this machine is shared). */
  load: number;
}

async function startServerProcess(model: string, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'packages/server/dist/cli.js'), 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      FTF_DATA_DIR: dataDir,
      FTF_MODEL: model,
      FTF_SECRET_KEYS: SECRET,
      FTF_RATE_LIMIT_RPS: '0',
      FTF_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /listening on (http:\/\/[^\s"]+)/.exec(buffer);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.stdout?.resume();
  return { url, child };
}

async function ensureFullModel(): Promise<string> {
  const dir = resolve(MODELS, 'vit-b16-siglip');
  if (!existsSync(join(dir, 'find-this-fit.json'))) {
    process.stderr.write(`generating the full-size random SigLIP-B/16 into ${dir}…\n`);
    await writeRandomVit(dir, { arch: 'vit-b16-siglip' });
  }
  return dir;
}

async function bench(c: Case): Promise<Row> {
  process.stderr.write(`\n== ${c.label}: ${c.count} listings ==\n`);
  const work = mkdtempSync(join(tmpdir(), 'ftf-bench-ingest-'));
  const market = await startFixtureMarketplace({
    count: c.count,
    seed: 1,
    pageSize: 100,
    imageCacheBytes: 1024 * 1024 * 1024,
  });
  const server = await startServerProcess(c.serverModel, join(work, 'data'));
  try {
    const started = performance.now();
    await market.prerender(); // rendering photos is the marketplace's cost, not ingest's
    process.stderr.write(`photos rendered in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    // Raw embedder rate: the same photos, already in memory, through the same worker-thread embedder, in
    // batches of the same size. Measured before and after the end-to-end run (this machine is shared: the
    // spread shows the noise); the ratio uses their mean.
    const sample = market.listings.slice(0, Math.min(c.count, 256));
    const photos = await Promise.all(
      sample.map(async (l) => Buffer.from(await (await fetch(l.imageUrl)).arrayBuffer())),
    );
    const rawRate = async () => {
      const embedder = await startWorkerEmbedder({
        preset: c.serverModel,
        modelDir: c.modelDir,
        batchSize: c.embedBatch,
        ...(threads ? { threads } : {}),
      });
      await embedder.embedImages(photos.slice(0, c.embedBatch)); // warm-up
      const t = performance.now();
      const rounds = Math.max(1, Math.ceil(Math.min(c.count, 512) / photos.length));
      for (let i = 0; i < rounds; i++) {
        for (let b = 0; b < photos.length; b += c.embedBatch)
          await embedder.embedImages(photos.slice(b, b + c.embedBatch));
      }
      const rate = (rounds * photos.length) / ((performance.now() - t) / 1000);
      await embedder.dispose();
      return rate;
    };
    const rawBefore = await rawRate();
    process.stderr.write(`raw embedder (before): ${rawBefore.toFixed(1)} images/s\n`);

    const config = buildConfig(
      {
        server: { url: server.url },
        modelDir: c.modelDir,
        stateDir: join(work, 'state'),
        userAgent: { product: 'FindThisFitBench/0.1', contactUrl: 'https://find-this-fit.example/bot' },
        sources: [
          { type: 'depop', apiBase: market.sources.depop.apiBase, webBase: market.sources.depop.webBase },
          { type: 'shopify', storeUrl: market.sources.shopify.storeUrl, currency: SHOPIFY_STORE.currency },
          { type: 'jsonld', sitemapUrl: market.sources.jsonld.sitemapUrl },
        ],
        fetch: { crawlDelayMs: 0, allowLoopback: true },
        batch: { pageSize: 100, embed: c.embedBatch, upsert: 200 },
        ...(threads ? { threads } : {}),
      },
      { baseDir: ROOT, env: { FTF_INGEST_API_KEY: SECRET } },
    );
    const summary = await ingestOnce(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
    if (summary.new !== c.count) throw new Error(`expected ${c.count} new listings, got ${JSON.stringify(summary)}`);
    const endToEndPerSecond = summary.itemsPerSecond;
    const rawAfter = await rawRate();
    process.stderr.write(`raw embedder (after): ${rawAfter.toFixed(1)} images/s\n`);
    const rawPerSecond = (rawBefore + rawAfter) / 2;
    process.stderr.write(`consumer time: ${JSON.stringify(summary.timings)}\n`);
    process.stderr.write(
      `end to end: ${endToEndPerSecond.toFixed(1)} listings/s (${(summary.durationMs / 1000).toFixed(1)} s) = ${((100 * endToEndPerSecond) / rawPerSecond).toFixed(0)} % of raw\n`,
    );
    return {
      ...c,
      rawPerSecond,
      rawSpread: [rawBefore, rawAfter],
      endToEndPerSecond,
      ratio: endToEndPerSecond / rawPerSecond,
      durationS: summary.durationMs / 1000,
      embedded: summary.embedded,
      busy: summary.timings.embedMs / summary.durationMs,
      load: loadavg()[0] ?? 0,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await market.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const cases: Case[] = [
  {
    label: 'fixture model (128-d, tiny)',
    serverModel: 'fixture',
    modelDir: resolve(MODELS, 'fixture'),
    count: Number(values.count),
    embedBatch: 16,
  },
];
if (!values['skip-full']) {
  cases.push({
    label: 'full-size random SigLIP-B/16 q8 (768-d, the default preset architecture)',
    serverModel: 'siglip-b16',
    modelDir: await ensureFullModel(),
    count: Number(values['full-count']),
    embedBatch: 8,
  });
}
if (!existsSync(join(MODELS, 'fixture', 'find-this-fit.json'))) {
  throw new Error(`Fixture model missing in ${MODELS}/fixture: run pnpm models:fixture first.`);
}
const rows: Row[] = [];
for (const c of cases) rows.push(await bench(c));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${threads ? `, ${threads} ORT threads` : ''}`;
const lines = [
  `Ingest benchmark — ${new Date().toISOString().slice(0, 10)}, ${machine}`,
  '',
  '| model | listings | raw embedder (img/s, before / after) | end to end (listings/s) | end to end / raw | embedder busy | wall (s) | load avg |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.count} | ${r.rawPerSecond.toFixed(1)} (${r.rawSpread[0].toFixed(1)} / ${r.rawSpread[1].toFixed(1)}) | ${r.endToEndPerSecond.toFixed(1)} | ${(100 * r.ratio).toFixed(0)} % | ${(100 * r.busy).toFixed(0)} % | ${r.durationS.toFixed(1)} | ${r.load.toFixed(1)} |`,
  ),
];
process.stdout.write(`\n${lines.join('\n')}\n`);
if (values.json) writeFileSync(values.json, JSON.stringify({ machine, rows }, null, 2));

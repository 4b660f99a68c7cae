// pnpm bench:image-contention — does hostile image work starve vector search? The built server (PGlite, the
// fixture model with image search on, 2 000 listings) answers vector searches from `--search-connections`
// clients, first alone, then while `--image-clients` clients keep posting the largest JPEG the limits accept
// (noise, so it neither compresses nor decodes fast). Variants set the image settings; they alternate over
// `--rounds`. Prints vector-search p50/p99 alone and under image load per variant, and `--json`.
//   --variants "threads=0,conc=2;threads=1,conc=2;threads=1,conc=1" --duration 10 --rounds 2
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeVector, FindThisFit, fingerprintOf, getPreset } from '@find-this-fit/sdk';
import sharp from 'sharp';
import { jsonPost, runLoad } from './http-load.js';
import { clusteredVectors, percentile } from './synthetic.js';

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'threads=0,conc=2;threads=1,conc=2;threads=1,conc=1' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    'search-connections': { type: 'string', default: '8' },
    'image-clients': { type: 'string', default: '8' },
    json: { type: 'string' },
  },
});
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const MODEL_DIR = resolve(import.meta.dirname, '../../../.models/fixture');
const SECRET = 'sk_bench_image_contention_0123';
const preset = getPreset('fixture');
const MODEL = fingerprintOf(preset);
const DURATION_MS = Number(values.duration) * 1000;
const log = (m: string) => process.stderr.write(`[image-contention ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

interface Variant {
  name: string;
  env: Record<string, string>;
}
const variants: Variant[] = values.variants.split(';').map((spec) => {
  const kv = Object.fromEntries(spec.split(',').map((p) => p.split('=') as [string, string]));
  return {
    name: spec,
    env: { FTF_IMAGE_DECODE_THREADS: kv.threads ?? '1', FTF_IMAGE_CONCURRENCY: kv.conc ?? '2' },
  };
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

async function startServer(dataDir: string, env: Record<string, string>) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      FTF_OPEN: 'true',
      FTF_SECRET_KEYS: SECRET,
      FTF_RATE_LIMIT_RPS: '0',
      FTF_RATE_LIMIT_KEY_RPS: '0',
      FTF_LOG_LEVEL: 'warn',
      FTF_MODEL: 'fixture',
      FTF_IMAGE_SEARCH_MODEL_DIR: MODEL_DIR,
      FTF_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not ready in 60 s');
}

/** A noise JPEG just under the default 8 MiB upload limit (noise: it neither compresses nor decodes fast). */
async function hostileJpeg(): Promise<Buffer> {
  for (let side = 2800; ; side -= 100) {
    const jpeg = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 92 })
      .toBuffer();
    if (jpeg.length < 8 * 1024 * 1024) return jpeg;
  }
}

function multipart(image: Buffer): Buffer {
  const boundary = 'ftfbenchboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const body = Buffer.concat([head, image, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return Buffer.concat([
    Buffer.from(
      `POST /v1/search/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
}

const dataDir = await mkdtemp(join(tmpdir(), 'ftf-image-contention-'));
const gen = clusteredVectors({ dim: preset.dim, seed: 5 });
const bodies = Array.from({ length: 100 }, () =>
  jsonPost('127.0.0.1', '/v1/search', JSON.stringify({ model: MODEL, vector: encodeVector(gen.query()), k: 20 })),
);
const jpeg = await hostileJpeg();
const imageRequest = multipart(jpeg);
log(`hostile JPEG: ${(jpeg.length / 1048576).toFixed(1)} MiB`);

// Seed once; every variant's server reopens the same PGlite directory.
{
  const server = await startServer(dataDir, {});
  const client = new FindThisFit({ baseURL: `http://127.0.0.1:${server.port}`, apiKey: SECRET });
  for (let offset = 0; offset < 2000; offset += 500) {
    await client.items.upsert(
      Array.from({ length: 500 }, (_, i) => ({
        source: 'bench',
        externalId: String(offset + i),
        title: `Listing ${offset + i}`,
        url: `https://example.com/l/${offset + i}`,
        imageUrl: `https://example.com/i/${offset + i}.jpg`,
        vector: gen.next(),
      })),
      { model: MODEL },
    );
  }
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

interface Row {
  variant: string;
  round: number;
  alone: { p50: number; p99: number; qps: number };
  underImages: { p50: number; p99: number; qps: number; imageOk: number; imageOther: number };
}
const rows: Row[] = [];
const searchLoad = (port: number) =>
  runLoad({
    host: '127.0.0.1',
    port,
    connections: Number(values['search-connections']),
    durationMs: DURATION_MS,
    request: (i) => bodies[i % bodies.length] as Buffer,
  });
const stats = (r: Awaited<ReturnType<typeof runLoad>>) => ({
  p50: percentile(r.latencies, 50),
  p99: percentile(r.latencies, 99),
  qps: r.latencies.length / (r.elapsedMs / 1000),
});

try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const server = await startServer(dataDir, variant.env);
      try {
        await searchLoad(server.port); // warm-up, not counted
        const alone = stats(await searchLoad(server.port));
        let imageOk = 0;
        const [underImages, images] = await Promise.all([
          searchLoad(server.port),
          runLoad({
            host: '127.0.0.1',
            port: server.port,
            connections: Number(values['image-clients']),
            durationMs: DURATION_MS,
            request: () => imageRequest,
            onBody: () => imageOk++,
          }),
        ]);
        const row: Row = {
          variant: variant.name,
          round,
          alone,
          underImages: { ...stats(underImages), imageOk, imageOther: images.errors },
        };
        log(JSON.stringify(row));
        rows.push(row);
      } finally {
        server.child.kill('SIGTERM');
        await once(server.child, 'exit');
      }
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const med = (xs: number[]) => percentile(xs, 50);
const f = (x: number) => x.toFixed(1);
const lines = [
  `Vector search (${values['search-connections']} clients) alone and while ${values['image-clients']} clients post a ${(jpeg.length / 1048576).toFixed(1)} MiB noise JPEG; ${values.duration} s per run, medians of ${values.rounds} alternated rounds.`,
  '',
  '| variant | alone p50 / p99 (ms) | alone req/s | under images p50 / p99 (ms) | under images req/s | images answered 2xx / other |',
  '|---|---:|---:|---:|---:|---:|',
];
const summary = variants.map((v) => {
  const mine = rows.filter((r) => r.variant === v.name);
  return {
    variant: v.name,
    alone: {
      p50: med(mine.map((r) => r.alone.p50)),
      p99: med(mine.map((r) => r.alone.p99)),
      qps: med(mine.map((r) => r.alone.qps)),
    },
    underImages: {
      p50: med(mine.map((r) => r.underImages.p50)),
      p99: med(mine.map((r) => r.underImages.p99)),
      qps: med(mine.map((r) => r.underImages.qps)),
      imageOk: mine.reduce((s, r) => s + r.underImages.imageOk, 0),
      imageOther: mine.reduce((s, r) => s + r.underImages.imageOther, 0),
    },
  };
});
for (const s of summary) {
  lines.push(
    `| ${s.variant} | ${f(s.alone.p50)} / ${f(s.alone.p99)} | ${s.alone.qps.toFixed(0)} | ${f(s.underImages.p50)} / ${f(s.underImages.p99)} | ${s.underImages.qps.toFixed(0)} | ${s.underImages.imageOk} / ${s.underImages.imageOther} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) await writeFile(values.json, `${JSON.stringify({ rows, summary }, null, 2)}\n`);

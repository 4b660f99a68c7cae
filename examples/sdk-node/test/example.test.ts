import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FindThisFit } from '@find-this-fit/sdk';
import { createEmbedder } from '@find-this-fit/sdk/embedder';
import { loadConfig, type RunningServer, startServer } from '@find-this-fit/server';
import { cropAndReencode, encode, syntheticPhoto } from '@find-this-fit/testing/images';
import { fixtureDir } from '@find-this-fit/testing/paths';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../search-by-image.mjs');
let work: string;
let server: RunningServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ftf-example-'));
  const config = loadConfig({
    PORT: '0',
    FTF_DATA_DIR: join(work, 'data'),
    FTF_MODEL: 'fixture',
    FTF_MODEL_DIR: fixtureDir(),
    FTF_OPEN: 'true',
    FTF_SECRET_KEYS: 'sk_example_0123456789abcdef',
    FTF_LOG_LEVEL: 'silent',
  });
  server = await startServer(config);
  const embedder = await createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
  const photos = Array.from({ length: 12 }, (_, i) => syntheticPhoto(300 + i));
  const vectors = await embedder.embedImages(await Promise.all(photos.map((p) => encode(p))));
  await embedder.dispose();
  const admin = new FindThisFit({ baseURL: server.url, apiKey: 'sk_example_0123456789abcdef' });
  await admin.items.upsert(
    vectors.map((vector, i) => ({
      source: 'fixture',
      externalId: `item-${i}`,
      title: `Listing number ${i}`,
      brand: i % 2 ? 'Acme' : 'Zed',
      size: 'M',
      price: { amount: 1500 + i * 100, currency: 'EUR' },
      url: `https://market.example/items/${i}`,
      imageUrl: `https://market.example/images/${i}.jpg`,
      vector,
    })),
    { model: (await admin.info()).model.fingerprint },
  );
  await writeFile(join(work, 'query.jpg'), await cropAndReencode(photos[7]!, 0.05));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

it.each([
  ['embedding locally', []],
  ['embedding on the server', ['--server']],
])(
  'prints a table whose first row is the listing the photo shows (%s)',
  async (_label, flags) => {
    const { stdout } = await run(process.execPath, [SCRIPT, join(work, 'query.jpg'), '--k', '5', ...flags], {
      env: { ...process.env, FTF_BASE_URL: server.url, FTF_MODEL_DIR: fixtureDir() },
    });
    expect(stdout).toMatch(/^5 results from find-this-fit \(fixture, 12 listings\)/);
    const firstRow = stdout.split('\n').find((line) => /│\s+0\s+│\s+1\s+│/.test(line));
    expect(firstRow).toContain('Listing number 7');
    expect(firstRow).toContain('€22.00');
  },
  120_000,
);

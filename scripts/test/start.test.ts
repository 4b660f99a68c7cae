import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PRESET } from '@find-this-fit/sdk';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// Nothing listens on port 1: the hub is unreachable, whatever this machine's network, as on a newcomer's offline box.
const UNREACHABLE_HUB = 'http://127.0.0.1:1';
let work: string | undefined;
let ports: Record<string, string> | undefined;

/** Free loopback ports, chosen once: the second start must see the same URLs (sources are named by host:port). */
async function freePorts(): Promise<Record<string, string>> {
  const one = () =>
    new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });
  return {
    FTF_DEMO_API_PORT: String(await one()),
    FTF_DEMO_MARKET_PORT: String(await one()),
    FTF_DEMO_SHOP_PORT: String(await one()),
  };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  shopUrl: string;
  apiUrl: string;
}

/** `scripts/start.ts` with the hub unreachable; FTF_MODEL unset unless given. */
function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: UNREACHABLE_HUB, ...env };
  if (env.FTF_MODEL === undefined) delete childEnv.FTF_MODEL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/**
 * Runs the README's main job the way `pnpm start` does after its build step (default model, hub unreachable), on
 * free ports, a temp data dir and a temp models dir; resolves once it printed its last line.
 */
async function start(): Promise<Started> {
  work ??= await mkdtemp(join(tmpdir(), 'ftf-start-'));
  ports ??= await freePorts();
  const { child, output } = launch({
    FTF_MODELS_ROOT: join(work, 'models'),
    FTF_DEMO_DATA_DIR: join(work, 'data'),
    FTF_DEMO_LISTINGS: '40',
    ...ports,
  });
  await new Promise<void>((done, reject) => {
    const onData = () => {
      // The last thing printed: the banner again, under the keys.
      if (/try the API [\s\S]*!{100}\n[\s\S]*!{100}\n\n$/.test(output())) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        done();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`pnpm start exited with ${code}:\n${output()}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  const shopUrl = /Open (http:\/\/\S+)/.exec(output())?.[1] ?? '';
  const apiUrl = /search server (http:\/\/\S+)/.exec(output())?.[1] ?? '';
  return { child, output, shopUrl, apiUrl };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((done) => started.child.once('exit', (code) => done(code)));
  started.child.kill('SIGINT');
  return exited;
}

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pnpm start (the main job) where the model hub cannot be reached', () => {
  it('falls back to the generated model with a banner, prints working keys and curl line, names the shops; a second start re-embeds nothing', async () => {
    const first = await start();
    try {
      const text = first.output();
      // The banner, in the terminal (before the servers start and again under the URLs) and on the page.
      expect(text.match(/^! Offline demo: 127\.0\.0\.1:1 is not reachable from here/gm)).toHaveLength(2);
      expect(text).toContain(`pnpm models:download ${DEFAULT_PRESET}`);
      expect(text).toMatch(/model +fixture \(fixture\.q8\.\w+\) — offline stand-in/);
      const page = await (await fetch(first.shopUrl)).text();
      expect(page).toContain('<find-this-fit');
      expect(page).toMatch(/<p class="notice" role="note">Offline demo: .*not visual similarity/);
      expect(text).toMatch(/new 40 ·/);

      // The printed curl line works as printed: its key and URL answer /v1/info.
      const curl = /curl -H 'authorization: Bearer (sk_demo_\w+)' (http:\/\/\S+\/v1\/info)/.exec(text);
      expect(curl?.[2]).toBe(`${first.apiUrl}/v1/info`);
      const info = await fetch(curl?.[2] ?? '', { headers: { authorization: `Bearer ${curl?.[1]}` } });
      expect(info.status).toBe(200);
      const body = (await info.json()) as { items: { total: number }; model: { fingerprint: string; dim: number } };
      expect(body.items.total).toBe(40);
      // The publishable key printed is the page's: accepted from the shop's origin.
      const publishable = /publishable key +(pk_demo_\w+)/.exec(text)?.[1];
      const fromShop = await fetch(`${first.apiUrl}/v1/info`, {
        headers: { authorization: `Bearer ${publishable}`, origin: new URL(first.shopUrl).origin },
      });
      expect(fromShop.status).toBe(200);

      // Listings carry the shops' names (what the widget's card badge shows), not `shopify:127.0.0.1:…`.
      const vector = Array.from({ length: body.model.dim }, (_, i) => (i === 0 ? 1 : 0));
      const search = await fetch(`${first.apiUrl}/v1/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${curl?.[1]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: body.model.fingerprint, vector, k: 100 }),
      });
      const { results } = (await search.json()) as { results: { source: string }[] };
      expect(new Set(results.map((r) => r.source))).toEqual(
        new Set(['depop', 'Thrift Harbour', 'Second Loop Vintage']),
      );
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = await start();
    try {
      expect(second.output()).toMatch(/new 0 · updated 0 · unchanged 40 · .*embedded 0 · /);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 300_000);

  it('refuses a real preset asked for by name instead of standing in for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ftf-start-models-'));
    try {
      const { child, output } = launch({ FTF_MODEL: DEFAULT_PRESET, FTF_MODELS_ROOT: dir });
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(code).toBe(1);
      expect(output().trim()).toBe(
        `pnpm start: ${DEFAULT_PRESET} is not in ${join(dir, DEFAULT_PRESET)} and 127.0.0.1:1 is not reachable: ` +
          `copy the folder from a machine that ran \`pnpm models:download ${DEFAULT_PRESET}\`, or unset FTF_MODEL.`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let dataDir: string;
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

/** Runs the README's main job the way `pnpm start` does after its build step, on free ports and a temp data dir. */
async function start(): Promise<Started> {
  dataDir ??= await mkdtemp(join(tmpdir(), 'ftf-start-'));
  ports ??= await freePorts();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      FTF_MODEL: 'fixture',
      FTF_DEMO_DATA_DIR: dataDir,
      FTF_DEMO_LISTINGS: '40',
      ...ports,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const shopUrl = await new Promise<string>((done, reject) => {
    const timer = setInterval(() => {
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        done(match[1]);
      }
    }, 200);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`pnpm start exited with ${code}:\n${output}`));
    });
  });
  const apiUrl = /search server (http:\/\/\S+)/.exec(output)?.[1] ?? '';
  return { child, output: () => output, shopUrl, apiUrl };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((done) => started.child.once('exit', (code) => done(code)));
  started.child.kill('SIGINT');
  return exited;
}

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('pnpm start (the main job, offline with FTF_MODEL=fixture)', () => {
  it('starts the server, ingests the marketplace once, serves the demo shop; a second start re-embeds nothing', async () => {
    const first = await start();
    try {
      const page = await fetch(first.shopUrl);
      expect(page.status).toBe(200);
      await expect(page.text()).resolves.toContain('<find-this-fit');
      const info = (await (await fetch(`${first.apiUrl}/v1/info`, { headers: { origin: first.shopUrl } })).json()) as {
        items?: { total: number };
        error?: unknown;
      };
      expect(first.output()).toMatch(/new 40 ·/);
      expect(info.error ?? info.items).toBeDefined();
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = await start();
    try {
      expect(second.output()).toMatch(/new 0 · updated 0 · unchanged 40 · embedded 0/);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  }, 300_000);
});

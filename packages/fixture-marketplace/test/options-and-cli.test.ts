import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFixtureMarketplace } from '../src/index.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

describe('startFixtureMarketplace options', () => {
  it('rejects bad options with clear errors', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: invalid input on purpose
    const start = (o: any) => startFixtureMarketplace(o);
    await expect(start({ count: 0 })).rejects.toThrow(/count must be an integer from 1 to 100000/);
    await expect(start({ count: 100_001 })).rejects.toThrow(/count/);
    await expect(start({ seed: 'x' })).rejects.toThrow(/seed must be an integer/);
    await expect(start({ port: 70_000 })).rejects.toThrow(/port must be an integer from 0 to 65535/);
    await expect(start({ host: '' })).rejects.toThrow(/host must be a non-empty string/);
    await expect(start({ pageSize: 0 })).rejects.toThrow(/pageSize must be an integer from 1 to 10000/);
    await expect(start({ robotsTxt: 42 })).rejects.toThrow(/robotsTxt must be a string/);
    await expect(start({ cout: 5 })).rejects.toThrow(/unknown option cout/);
    await expect(start({ maxLoggedRequests: -1 })).rejects.toThrow(/maxLoggedRequests/);
    await expect(start({ imageCacheBytes: 1.5 })).rejects.toThrow(/imageCacheBytes/);
    await expect(start(null)).rejects.toThrow(/options must be an object/);
  });

  it('fails to start on a port in use', async () => {
    const first = await startFixtureMarketplace({ count: 1 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startFixtureMarketplace({ count: 1, port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

function run(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d) => {
    text += d;
  });
  child.stderr?.on('data', (d) => {
    text += d;
  });
  return { child, output: () => text };
}

describe('ftf-fixture-marketplace CLI', () => {
  it('prints help', async () => {
    const { child, output } = run(['--help']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output()).toContain('Usage: ftf-fixture-marketplace');
    expect(output()).toContain('--count <n>');
  });

  it('refuses bad flags with exit code 1', async () => {
    const { child, output } = run(['--count', 'lots']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('--count must be a non-negative integer, got lots');
  });

  it('serves, prints the origin and the three sources, and stops on SIGTERM', async () => {
    const { child, output } = run(['--port', '0', '--count', '7', '--seed', '3']);
    while (!output().includes('JSON-LD shop')) {
      if (child.exitCode !== null) throw new Error(output());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const origin = /Fixture marketplace: (http:\/\/127\.0\.0\.1:\d+) \(7 listings\)/.exec(output())?.[1];
    expect(origin).toBeDefined();
    expect(output()).toContain(`${origin}/depop/api/v3/search/products/`);
    expect(output()).toContain(`${origin}/shopify/products.json`);
    expect(output()).toContain(`${origin}/shop/sitemap.xml`);
    expect((await fetch(`${origin}/robots.txt`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/cli.js';
import { tempDir } from './helpers/stack.js';

const dir = tempDir('ftf-ingest-cli-');
beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error(`Build the CLI first: pnpm --filter @find-this-fit/ingest build (${CLI} missing)`);
});
afterAll(() => dir.remove());

describe('ftf-ingest CLI', () => {
  it('prints help for the tool and for each command', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['run', 'schedule', 'reembed', 'status']) expect(main.stdout).toContain(command);
    for (const command of ['run', 'schedule', 'reembed', 'status']) {
      const result = await runCli([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout).toContain(`ftf-ingest ${command}`);
    }
    expect((await runCli(['schedule', '--help'])).stdout).toContain('0 */3 * * *');
  });

  it('exits 2 with every bad field named, and never prints the secret key', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        userAgent: { contactUrl: 'not a url' },
        sources: [{ type: 'shopify', storeUrl: 'https://shop.example' }, { type: 'etsy' }],
        fetch: { crawlDelayMs: -1 },
      }),
    );
    const result = await runCli(['run', '-c', file], { FTF_INGEST_API_KEY: 'sk_super_secret_value' });
    expect(result.code).toBe(2);
    for (const field of ['userAgent.contactUrl', 'sources[0].currency', 'sources[1].type', 'fetch.crawlDelayMs']) {
      expect(result.stderr).toContain(field);
    }
    expect(result.stdout + result.stderr).not.toContain('sk_super_secret_value');
    const noKey = await runCli(['run', '-c', file]);
    expect(noKey.stderr).toMatch(/FTF_INGEST_API_KEY/);
    const inFile = join(dir.path, 'key-in-file.json');
    writeFileSync(inFile, JSON.stringify({ server: { apiKey: 'sk_x' } }));
    expect((await runCli(['run', '-c', inFile], { FTF_INGEST_API_KEY: 'k' })).stderr).toMatch(/secrets do not belong/);
  });

  it('rejects unknown commands and options', async () => {
    expect((await runCli(['crawl'])).code).toBe(2);
    const result = await runCli(['status', '--cron', '* * * * *']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--cron is not an option of status/);
  });

  it('status reports an empty state folder', async () => {
    const state = join(dir.path, 'empty-state');
    mkdirSync(state);
    const result = await runCli(['status', '--state-dir', state, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ empty: true });
  });
});

import { readFileSync } from 'node:fs';
import { markdownRow, type SettingsTable } from '@find-this-fit/sdk/config';
import { describe, expect, it } from 'vitest';
import { SOURCE_SETTINGS } from '../src/config/sources.js';
import { buildConfig, ConfigError, DEFAULTS, ENV_SETTINGS, FILE_SETTINGS } from '../src/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rows = (table: SettingsTable) => Object.entries(table).map(([name, setting]) => markdownRow(name, setting));
const minimal = {
  userAgent: { contactUrl: 'https://find-this-fit.example/bot' },
  sources: [{ type: 'woocommerce', storeUrl: 'https://vintage.example' }],
};
const problems = (file: unknown, env: Record<string, string> = { FTF_INGEST_API_KEY: 'sk_test' }) => {
  try {
    buildConfig(file, { baseDir: '/srv/ingest', env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('config: one settings table per kind of option', () => {
  it('the README documents every file option, environment variable and eBay option as the tables say', () => {
    for (const row of [...rows(FILE_SETTINGS), ...rows(ENV_SETTINGS), ...rows(SOURCE_SETTINGS.ebay)])
      expect(readme).toContain(row);
  });

  it('applies the documented defaults, resolving paths against the config file', () => {
    const config = buildConfig(minimal, { baseDir: '/srv/ingest', env: { FTF_INGEST_API_KEY: 'sk_test' } });
    expect(config).toMatchObject({
      server: { url: 'http://127.0.0.1:8787', apiKey: 'sk_test' },
      stateDir: '/srv/ingest/.ftf-ingest',
      modelDir: undefined,
      userAgent: { product: DEFAULTS.userAgentProduct },
      fetch: { ...DEFAULTS.fetch },
      images: DEFAULTS.images,
      batch: DEFAULTS.batch,
      freshness: DEFAULTS.freshness,
      schedule: { cron: DEFAULTS.schedule.cron, jitterMs: DEFAULTS.schedule.jitterMs, timezone: undefined },
      threads: undefined,
      logLevel: 'info',
    });
  });

  it('flags win over the file, the file over FTF_BASE_URL; FTF_API_KEY is read when FTF_INGEST_API_KEY is unset', () => {
    const file = { ...minimal, server: { url: 'https://file.example' }, fetch: { crawlDelayMs: 5 } };
    const env = { FTF_API_KEY: 'sk_fallback', FTF_BASE_URL: 'https://env.example' };
    const fromFile = buildConfig(file, { baseDir: '/srv', env });
    expect([fromFile.server, fromFile.fetch.crawlDelayMs]).toEqual([
      { url: 'https://file.example', apiKey: 'sk_fallback' },
      5,
    ]);
    expect(buildConfig(minimal, { baseDir: '/srv', env }).server.url).toBe('https://env.example');
    const flagged = buildConfig(file, {
      baseDir: '/srv',
      env,
      overrides: { serverUrl: 'https://flag.example', crawlDelayMs: 0, stateDir: '/var/state', logLevel: 'debug' },
    });
    expect([flagged.server.url, flagged.fetch.crawlDelayMs, flagged.stateDir, flagged.logLevel]).toEqual([
      'https://flag.example',
      0,
      '/var/state',
      'debug',
    ]);
  });

  it('names every bad option at once: values, sections that are not objects, unknown keys, missing key', () => {
    const found = problems(
      {
        ...minimal,
        fetch: { timeoutMs: 5, allowLoopback: 'yes' },
        images: 'big',
        threads: 0,
        logLevel: 'loud',
        userAgent: { contactUrl: 'ftp://x', product: 'my bot' },
        colour: 'red',
      },
      {},
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'FTF_INGEST_API_KEY (or FTF_API_KEY): the server secret key is required (admin upserts)',
        'fetch.timeoutMs: expected an integer from 100 to 600000, got 5',
        'fetch.allowLoopback: expected true or false',
        'images: expected an object',
        'threads: expected an integer from 1 to 256, got 0',
        'logLevel: expected one of fatal, error, warn, info, debug, trace, silent',
        'userAgent.contactUrl: expected an http(s) URL, got "ftp://x"',
        'userAgent.product: expected a token like "MyBot/1.0", got "my bot"',
        'colour: unknown option',
      ]),
    );
    expect(found).toHaveLength(9);
  });

  it('refuses secrets in the file and a missing source list', () => {
    expect(problems({ server: { apiKey: 'sk_in_file' }, userAgent: minimal.userAgent })).toEqual([
      'server.apiKey: secrets do not belong in the config file; set FTF_INGEST_API_KEY',
      'sources: at least one source is required',
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { markdownRow } from '@find-this-fit/sdk/config';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config.js';
import { createStore, StoreError } from '../../src/store/index.js';
import { parseLsn } from '../../src/store/lsn.js';
import { replicaLabels } from '../../src/store/replica-label.js';

const base = { FTF_MODEL: 'fixture', FTF_SECRET_KEYS: 'sk_test_secret_0001' };
const doc = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('read-replica configuration', () => {
  it('parses DATABASE_READ_URLS and the replica settings', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://u:p@primary:5432/ftf',
      DATABASE_READ_URLS: ' postgres://u:p@r1:5432/ftf , postgresql://u:p@r2/ftf ',
      FTF_REPLICA_MAX_LAG_MS: '2500',
      FTF_REPLICA_CHECK_INTERVAL_MS: '250',
    });
    expect(config.readReplicas).toEqual({
      urls: ['postgres://u:p@r1:5432/ftf', 'postgresql://u:p@r2/ftf'],
      maxLagMs: 2500,
      checkIntervalMs: 250,
    });
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://primary/ftf' }).readReplicas).toBeUndefined();
  });

  it('refuses replicas without a primary, and bad URLs without echoing them', () => {
    expect(() => loadConfig({ ...base, DATABASE_READ_URLS: 'postgres://r1/ftf' })).toThrow(
      /DATABASE_READ_URLS: read replicas need the primary in DATABASE_URL/,
    );
    let error: unknown;
    try {
      loadConfig({
        ...base,
        DATABASE_URL: 'postgres://p/ftf',
        DATABASE_READ_URLS: 'postgres://r1/f,mysql://u:hunter2@x/y',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/DATABASE_READ_URLS: entry 2: expected a postgres/);
    expect((error as ConfigError).message).not.toContain('hunter2');
    expect(() => loadConfig({ ...base, FTF_REPLICA_MAX_LAG_MS: '0' })).toThrow(/FTF_REPLICA_MAX_LAG_MS/);
    expect(() => loadConfig({ ...base, FTF_REPLICA_CHECK_INTERVAL_MS: '10' })).toThrow(/FTF_REPLICA_CHECK_INTERVAL_MS/);
  });

  it('createStore refuses read replicas on the embedded store', async () => {
    const error = await createStore({
      dataDir: ':memory:',
      readUrls: ['postgres://r1/ftf'],
      fingerprint: 'x',
      dim: 4,
      hnsw: { m: 16, efConstruction: 64, efSearch: 40 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('invalid_config');
  });

  it('labels replicas host:port/database, never with credentials, and apart when they collide', () => {
    expect(
      replicaLabels([
        'postgres://user:secret@db-r1.internal:6432/ftf',
        'postgres://db-r2/ftf',
        'postgres://x:y@db-r2/ftf',
      ]),
    ).toEqual(['db-r1.internal:6432/ftf', 'db-r2:5432/ftf', 'db-r2:5432/ftf#2']);
  });

  it('reads WAL positions as byte offsets', () => {
    expect(parseLsn('0/0')).toBe(0);
    expect(parseLsn('1/10')).toBe(2 ** 32 + 16);
    expect(parseLsn('16/B374D848') - parseLsn('16/B374D840')).toBe(8);
    expect(() => parseLsn('nope')).toThrow(/not a WAL position/);
  });

  it('documents every environment variable in the server README and DEPLOYMENT.md', () => {
    const readme = doc('../../README.md');
    const deployment = doc('../../../../DEPLOYMENT.md');
    for (const [name, setting] of Object.entries(SETTINGS)) {
      expect(readme, name).toContain(markdownRow(name, setting));
      expect(deployment, name).toContain(`\`${name}\``);
    }
  });
});

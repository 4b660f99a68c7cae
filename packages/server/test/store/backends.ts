import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type CreateStoreOptions, openSqlStore } from '../../src/store/index.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { StoreConfig } from '../../src/store/types.js';

export type Location = Pick<CreateStoreOptions, 'dataDir' | 'databaseUrl' | 'schema'>;

/** One back end under test: fresh locations, stores opened on them, and cleanup of all it made. */
export interface Backend {
  name: 'pglite' | 'postgres';
  newLocation(): Location;
  open(location: Location, config: StoreConfig): Promise<SqlStore>;
  cleanup(): Promise<void>;
}

export const config = (overrides: Partial<StoreConfig> = {}): StoreConfig => ({
  fingerprint: 'test-model-aaaa',
  dim: 32,
  hnsw: { m: 16, efConstruction: 64, efSearch: 40 },
  ...overrides,
});

export function pgliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    newLocation() {
      const dir = mkdtempSync(join(tmpdir(), 'ftf-store-'));
      dirs.push(dir);
      return { dataDir: dir };
    },
    open: (location, cfg) => openSqlStore({ ...location, ...cfg }),
    async cleanup() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(url: string): Backend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    newLocation() {
      const schema = `ftf_test_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
      schemas.push(schema);
      return { databaseUrl: url, schema };
    },
    open: (location, cfg) => openSqlStore({ ...location, ...cfg, poolSize: 4 }),
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** CI must test PostgreSQL; locally a missing URL skips that suite with a visible reason. */
export function postgresUrl(): string | undefined {
  const url = process.env.FTF_TEST_DATABASE_URL;
  if (!url && process.env.CI) {
    throw new Error('FTF_TEST_DATABASE_URL is not set but CI is: CI must run the store suite against PostgreSQL');
  }
  return url || undefined;
}

import { describe, expect, it } from 'vitest';
import { createStore, StoreError } from '../../src/store/index.js';
import { postgresBackend, postgresUrl } from './backends.js';
import { defineStoreSuite } from './store-suite.js';

const url = postgresUrl();

describe.skipIf(!url)(
  `store (PostgreSQL)${url ? '' : ' — skipped: FTF_TEST_DATABASE_URL is not set (see .ci/pg-cluster.sh)'}`,
  () => {
    defineStoreSuite(postgresBackend(url as string));
  },
);

describe('store (PostgreSQL unreachable)', () => {
  it('maps a connection failure to `unavailable` without leaking the URL', async () => {
    const error = await createStore({
      databaseUrl: 'postgres://ftf:s3cret-password@127.0.0.1:1/nowhere',
      fingerprint: 'x',
      dim: 8,
      hnsw: { m: 16, efConstruction: 64, efSearch: 40 },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('unavailable');
    expect((error as StoreError).message).not.toContain('s3cret');
  });

  it('rejects schema names that are not plain identifiers', async () => {
    await expect(
      createStore({
        databaseUrl: 'postgres://x@127.0.0.1:1/x',
        schema: 'a"; drop',
        fingerprint: 'x',
        dim: 8,
        hnsw: { m: 16, efConstruction: 64, efSearch: 40 },
      }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
  });
});

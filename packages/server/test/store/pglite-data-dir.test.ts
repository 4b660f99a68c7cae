import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, StoreError } from '../../src/store/index.js';
import { LOCK_FILE } from '../../src/store/pglite-executor.js';
import { config } from './backends.js';
import { axis, item } from './fixtures.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftf-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('PGlite data directory', () => {
  it('is locked while open, keeps its data across close and reopen', async () => {
    const dataDir = tempDir();
    const store = await createStore({ dataDir, ...config() });
    const { ids } = await store.upsert([item(axis(32, 0), { source: 'keep', externalId: '1', title: 'Survivor' })]);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

    const error = await createStore({ dataDir, ...config() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('data_dir_locked');
    expect((error as StoreError).message).toContain(String(process.pid));

    await store.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    const reopened = await createStore({ dataDir, ...config() });
    expect((await reopened.get(ids[0] as string))?.title).toBe('Survivor');
    const [hit] = await reopened.search({ vector: axis(32, 0), k: 1, filters: {} });
    expect(hit?.score).toBeCloseTo(1, 6);
    await reopened.close();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dataDir = tempDir();
    // Pids are below 2^22 on Linux: this one cannot be running.
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 17, startedAt: 1 }));
    const store = await createStore({ dataDir, ...config() });
    await store.ping();
    await store.close();
  });

  it('supports an in-memory store without a lock', async () => {
    const store = await createStore({ dataDir: ':memory:', ...config() });
    expect((await store.upsert([item(axis(32, 1))])).inserted).toBe(1);
    expect(store.health()).toEqual({ kind: 'pglite', connections: { total: 1, idle: 1, waiting: 0 } });
    await store.close();
  });
});

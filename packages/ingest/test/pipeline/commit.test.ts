import { createEmbedder } from '@find-this-fit/sdk/embedder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitBatch } from '../../src/pipeline/commit.js';
import type { Entry, UpsertEntry } from '../../src/pipeline/entry.js';
import type { SourceAdapter } from '../../src/sources/types.js';
import { FIXTURE_MODEL_DIR, startTestServer } from '../helpers/stack.js';
import { listing, openRun, png } from './run-fixture.js';

// The commit stage alone: the real search server (PGlite), the real SDK client, a real state store.
let stack: Awaited<ReturnType<typeof startTestServer>>;
let fingerprint: string;
let vectors: Float32Array[];
let fixture: ReturnType<typeof openRun>;
beforeAll(async () => {
  stack = await startTestServer();
  fingerprint = (await stack.client.info()).model.fingerprint;
  const embedder = await createEmbedder({ preset: 'fixture', modelDir: FIXTURE_MODEL_DIR, threads: 1 });
  vectors = await embedder.embedImages([await png(200), await png(10, 200), await png(5, 5, 250)]);
  await embedder.dispose();
});
afterAll(async () => stack?.close());
afterEach(() => fixture?.close());

const source: SourceAdapter = {
  source: 'stage-test',
  stateKey: 'stage-test|seed',
  pages: async function* () {},
  normalize: () => listing('never'),
};

const upsert = (id: string, vector: Float32Array | undefined, fields = {}): UpsertEntry => ({
  kind: 'upsert',
  key: `k-${id}`,
  listing: listing(id, fields),
  fieldsHash: `fields-${id}`,
  existing: undefined,
  imageHash: `image-${id}`,
  ...(vector ? { vector } : {}),
});

describe('commitBatch', () => {
  it('upserts the embedded listings, records them, saves the cursor and commits the state', async () => {
    fixture = openRun(fingerprint, [source]);
    const { run, state } = fixture;
    const batch: Entry[] = [
      upsert('c1', vectors[0]),
      upsert('c2', vectors[1], { status: 'sold' }),
      upsert('c3', undefined), // its image could not be embedded: neither sent nor recorded
      { kind: 'checkpoint', source, next: 'cursor-2' },
    ];
    await commitBatch(run, stack.client, { upsertBatchSize: 1 }, batch);
    const c1 = state.item('k-c1');
    const c2 = state.item('k-c2');
    expect(c1).toMatchObject({ fingerprint, imageHash: 'image-c1', lastRun: run.id, missed: 0, status: 'active' });
    expect(c2?.status).toBe('sold');
    expect(state.item('k-c3')).toBeUndefined();
    expect(state.cursor(source.stateKey)).toBe('cursor-2');
    expect(run.summary).toMatchObject({ new: 2, updated: 0, sold: 1 });
    const stored = await stack.client.items.get(c1?.id as string);
    expect(stored.externalId).toBe('c1');
  });

  it('sends status changes, marks seen listings, ends a source on its last page, and reports progress', async () => {
    const seen: number[] = [];
    fixture = openRun(fingerprint, [source], { onProgress: (p) => seen.push(p.processed) });
    const { run, state } = fixture;
    await commitBatch(run, stack.client, { upsertBatchSize: 50 }, [upsert('s1', vectors[2]), upsert('s2', vectors[0])]);
    const s1 = state.item('k-s1');
    if (!s1) throw new Error('s1 was not recorded');
    await commitBatch(run, stack.client, { upsertBatchSize: 50 }, [
      { kind: 'status', key: 'k-s1', existing: s1, status: 'sold' },
      { kind: 'seen', key: 'k-s2', counted: true },
      { kind: 'checkpoint', source, next: null },
    ]);
    expect((await stack.client.items.get(s1.id)).status).toBe('sold');
    expect(state.item('k-s1')?.status).toBe('sold');
    expect(run.summary).toMatchObject({ new: 2, updated: 1, unchanged: 1, sold: 1 });
    expect(state.run?.sourcesDone).toEqual([source.stateKey]);
    expect(seen).toEqual([2, 4]);
  });

  it('forgets a listing the server no longer has (status change answered 404) so the next run ingests it afresh', async () => {
    fixture = openRun(fingerprint, [source]);
    const { run, state } = fixture;
    await commitBatch(run, stack.client, { upsertBatchSize: 50 }, [upsert('g1', vectors[1])]);
    const g1 = state.item('k-g1');
    if (!g1) throw new Error('g1 was not recorded');
    await stack.client.items.delete(g1.id);
    await commitBatch(run, stack.client, { upsertBatchSize: 50 }, [
      { kind: 'status', key: 'k-g1', existing: g1, status: 'sold' },
    ]);
    expect(state.item('k-g1')).toBeUndefined();
    expect(run.summary.failed).toEqual({ 'status:not_found': 1 });
  });
});

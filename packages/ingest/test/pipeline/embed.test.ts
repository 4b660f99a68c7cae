import { createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { embedEntries } from '../../src/pipeline/embed.js';
import type { UpsertEntry } from '../../src/pipeline/entry.js';
import { FIXTURE_MODEL_DIR } from '../helpers/stack.js';
import { listing, openRun, png } from './run-fixture.js';

// The embed stage alone, with the real SDK embedder on the fixture model.
let embedder: Embedder;
let fixture: ReturnType<typeof openRun>;
beforeAll(async () => {
  embedder = await createEmbedder({ preset: 'fixture', modelDir: FIXTURE_MODEL_DIR, threads: 1 });
});
afterAll(async () => embedder?.dispose());
afterEach(() => fixture?.close());

const entry = (id: string, bytes: Buffer): UpsertEntry => ({
  kind: 'upsert',
  key: id,
  listing: listing(id),
  fieldsHash: 'h',
  existing: undefined,
  imageHash: `hash-${id}`,
  bytes,
});

describe('embedEntries', () => {
  it('embeds a batch in one call: every entry gets its vector and drops its bytes', async () => {
    fixture = openRun();
    const entries = [entry('a', await png(200)), entry('b', await png(20, 200))];
    const [alone] = await embedder.embedImages([await png(20, 200)]);
    await embedEntries(fixture.run, embedder, entries);
    expect(entries.map((e) => e.bytes)).toEqual([undefined, undefined]);
    expect(entries.map((e) => e.vector?.length)).toEqual([embedder.dim, embedder.dim]);
    expect(entries[1]?.vector?.[0]).toBeCloseTo(alone?.[0] ?? Number.NaN, 4);
    expect(fixture.run.summary.embedded).toBe(2);
    expect(fixture.run.summary.timings.embedMs).toBeGreaterThan(0);
  });

  it('one undecodable image does not spoil the batch: it alone is skipped, the others are embedded', async () => {
    fixture = openRun();
    const bad = entry('bad', Buffer.from('not an image at all'));
    const entries = [entry('a', await png(200)), bad, entry('c', await png(5, 5, 5))];
    await embedEntries(fixture.run, embedder, entries);
    expect(entries.map((e) => e.vector !== undefined)).toEqual([true, false, true]);
    expect(bad.bytes).toBeDefined();
    expect(fixture.run.summary.embedded).toBe(2);
    expect(fixture.run.summary.skipped).toEqual({ undecodable_image: 1 });
    expect(fixture.lines.find((l) => l.msg === 'image could not be embedded')?.externalId).toBe('bad');
  });

  it('refuses an entry without image bytes', async () => {
    fixture = openRun();
    const noBytes: UpsertEntry = { ...entry('x', Buffer.alloc(1)) };
    delete noBytes.bytes;
    await expect(embedEntries(fixture.run, embedder, [noBytes])).rejects.toThrow(/entry x has no image bytes/);
  });
});

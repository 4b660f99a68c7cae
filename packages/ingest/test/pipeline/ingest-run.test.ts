import { encodeVector } from '@find-this-fit/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/pipeline/bounded-queue.js';
import { consumeEntries } from '../../src/pipeline/consume.js';
import type { Entry, UpsertEntry } from '../../src/pipeline/entry.js';
import type { SourceAdapter } from '../../src/sources/types.js';
import { testFetcher } from '../helpers/fetcher.js';
import { listing, openRun } from './run-fixture.js';

const source: SourceAdapter = {
  source: 'run-test',
  stateKey: 'run-test|seed',
  pages: async function* () {},
  normalize: () => listing('never'),
};
let fixture: ReturnType<typeof openRun>;
afterEach(() => fixture?.close());

describe('IngestRun', () => {
  it('numbers runs, clears old cursors on a new run, and resumes an interrupted one with its id', () => {
    fixture = openRun('fp', [source]);
    expect([fixture.run.id, fixture.run.resumed]).toEqual([1, false]);
    fixture.state.setCursor(source.stateKey, 'page-3');
    const resumed = fixture.next();
    expect([resumed.id, resumed.resumed, resumed.summary.resumed]).toEqual([1, true, true]);
    expect(fixture.state.cursor(source.stateKey)).toBe('page-3');
    expect(fixture.lines.some((l) => l.msg === 'resuming interrupted run 1 from its saved cursors')).toBe(true);
    resumed.summary.sources[source.source] = { completed: true, pages: 1 };
    resumed.markCompleted();
    expect(fixture.state.run).toMatchObject({ id: 1, completed: true, outcome: 'completed', stopped: [] });
    const second = fixture.next();
    expect([second.id, second.resumed]).toEqual([2, false]);
    expect(fixture.state.cursor(source.stateKey)).toBeUndefined();
  });

  it('admits each key once; on a resume, what the interrupted part committed passes without a count', () => {
    fixture = openRun('fp', [source]);
    fixture.state.putItem('done', {
      id: 'x',
      listing: listing('done'),
      fieldsHash: 'h',
      status: 'active',
      imageHash: 'i',
      fingerprint: 'fp',
      vector: encodeVector(new Float32Array([1, 0])),
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:00:00.000Z',
      lastRun: 1,
      missed: 0,
    });
    const resumed = fixture.next();
    expect(['done', 'done', 'fresh', 'fresh'].map((k) => resumed.admit(k))).toEqual([
      'done-before-resume',
      'duplicate',
      'new',
      'duplicate',
    ]);
  });

  it('reports progress from its counters and closes the summary with duration, timings and rate', async () => {
    const seen: unknown[] = [];
    fixture = openRun('fp', [source], { onProgress: (p) => seen.push(p) });
    const { run } = fixture;
    run.reportProgress();
    run.setSourceTotal('a', 3);
    run.setSourceTotal('b', 4);
    run.countProcessed();
    run.summary.new = 1;
    run.summary.timings.embedMs = 2.6;
    run.reportProgress();
    expect(seen).toEqual([
      { processed: 0, total: undefined, fetched: 0, embedded: 0 },
      { processed: 1, total: 7, fetched: 0, embedded: 0 },
    ]);
    const { fetcher } = testFetcher();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const summary = run.finalSummary(fetcher, undefined);
    await fetcher.close();
    expect(summary.timings.embedMs).toBe(3);
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.itemsPerSecond).toBeCloseTo(1000 / summary.durationMs, 6);
    expect(summary.outcome).toBe('completed');
  });
});

describe('consumeEntries', () => {
  const withBytes = (id: string): UpsertEntry => ({
    kind: 'upsert',
    key: id,
    listing: listing(id),
    fieldsHash: 'h',
    existing: undefined,
    imageHash: id,
    bytes: Buffer.from(id),
  });

  it('cuts full batches by images to embed, embeds before committing, and commits every entry once in order', async () => {
    fixture = openRun('fp', [source]);
    const queue = new BoundedQueue<Entry>(64);
    const log: string[] = [];
    const stages = {
      embed: async (entries: UpsertEntry[]) => {
        log.push(`embed ${entries.map((e) => e.key).join(',')}`);
      },
      commit: async (batch: Entry[]) => {
        log.push(`commit ${batch.map((e) => ('key' in e ? e.key : e.kind)).join(',')}`);
      },
    };
    for (const id of ['a', 'b', 'c']) await queue.push(withBytes(id));
    await queue.push({ kind: 'seen', key: 's', counted: true });
    await queue.push(withBytes('d'));
    await queue.push({ kind: 'checkpoint', source, next: null });
    queue.close();
    await consumeEntries(fixture.run, queue, { embedBatchSize: 2, upsertBatchSize: 50 }, stages);
    expect(log).toEqual(['embed a,b', 'commit a,b', 'embed c,d', 'commit c,s,d', 'commit checkpoint']);
  });

  it('rejects when a commit fails (the run stops; its state stays at the last committed batch)', async () => {
    fixture = openRun('fp', [source]);
    const queue = new BoundedQueue<Entry>(8);
    await queue.push({ kind: 'seen', key: 's', counted: true });
    queue.close();
    const stages = {
      embed: async () => {},
      commit: async () => {
        throw new Error('server down');
      },
    };
    await expect(
      consumeEntries(fixture.run, queue, { embedBatchSize: 2, upsertBatchSize: 50 }, stages),
    ).rejects.toThrow('server down');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { crawlSource } from '../../src/pipeline/crawl.js';
import { itemKey } from '../../src/pipeline/entry.js';
import { NormalizeError, type RawRecord, type SourceAdapter, type SourcePage } from '../../src/sources/types.js';
import { listing, openRun } from './run-fixture.js';

// The crawl stage alone: a source adapter over in-memory pages (the adapter interface is the plug-in point,
// the records are what real adapters hand over), a real state store, a sink that records what it is given.

/** Pages of records `{ id }`; `{ bad: field }` fails normalisation, `{ error }` is a record that failed to fetch. */
function memorySource(pages: Array<{ records: unknown[]; total?: number }>, options: { failAfter?: number } = {}) {
  const cursors: Array<string | null> = [];
  const adapter: SourceAdapter = {
    source: 'memory',
    stateKey: 'memory|seed',
    async *pages(_context, cursor): AsyncIterable<SourcePage> {
      cursors.push(cursor);
      for (let i = cursor === null ? 0 : Number(cursor); i < pages.length; i++) {
        if (options.failAfter === i) throw new Error('the feed went away');
        const page = pages[i] as { records: unknown[]; total?: number };
        const records = page.records.map((payload, n): RawRecord => {
          const ref = `page${i}#${n}`;
          return payload instanceof Error ? { ref, error: payload } : { ref, payload };
        });
        yield {
          records,
          next: i + 1 < pages.length ? String(i + 1) : null,
          ...(page.total ? { total: page.total } : {}),
        };
      }
    },
    normalize(payload) {
      const record = payload as { id?: string; bad?: string };
      if (record.bad) throw new NormalizeError(record.bad, 'is missing');
      return listing(String(record.id), { source: 'memory' });
    },
  };
  return { adapter, cursors };
}

function recordingSink() {
  const events: string[] = [];
  return {
    events,
    sink: {
      listing: async (l: { externalId: string }, key: string) => {
        events.push(`listing ${l.externalId} ${key === itemKey('memory', l.externalId)}`);
      },
      pageDone: async (source: SourceAdapter, next: string | null) => {
        events.push(`page ${source.source} → ${next}`);
      },
    },
  };
}

const options = { fetcher: { fetch: () => Promise.reject(new Error('no fetching here')) }, pageSize: 10 };
let fixture: ReturnType<typeof openRun>;
afterEach(() => fixture?.close());

describe('crawlSource', () => {
  it('hands over each new listing in order, skips duplicates and bad records, and closes each page', async () => {
    const { adapter } = memorySource([
      { records: [{ id: 'a' }, { bad: 'price.amount' }, { id: 'b' }], total: 5 },
      { records: [{ id: 'a' }, new Error('timeout'), { id: 'c' }] },
    ]);
    const progress: Array<number | undefined> = [];
    fixture = openRun('fp', [adapter], { onProgress: (p) => progress.push(p.total) });
    const { events, sink } = recordingSink();
    await crawlSource(fixture.run, adapter, options, sink);
    expect(events).toEqual([
      'listing a true',
      'listing b true',
      'page memory → 1',
      'listing c true',
      'page memory → null',
    ]);
    const { summary } = fixture.run;
    expect(summary.sources.memory).toEqual({ completed: true, pages: 2 });
    expect(summary.fetched).toBe(6);
    expect(summary.skipped).toEqual({ 'normalize:price.amount': 1, duplicate: 1 });
    expect(summary.failed).toEqual({ 'page:Error': 1 });
    fixture.run.reportProgress();
    expect(progress).toEqual([5]);
  });

  it('a source that stops is recorded as stopped and the crawl returns normally', async () => {
    const { adapter } = memorySource([{ records: [{ id: 'a' }] }, { records: [{ id: 'b' }] }], { failAfter: 1 });
    fixture = openRun('fp', [adapter]);
    const { events, sink } = recordingSink();
    await crawlSource(fixture.run, adapter, options, sink);
    expect(events).toEqual(['listing a true', 'page memory → 1']);
    expect(fixture.run.summary.sources.memory).toMatchObject({ completed: false, pages: 1, reason: 'Error' });
    expect(fixture.run.summary.stopped).toEqual([{ source: 'memory', reason: 'Error: the feed went away' }]);
    expect(fixture.run.summary.failed).toEqual({ 'source:Error': 1 });
  });

  it('starts from the saved cursor, and not at all for a source this run already finished', async () => {
    const { adapter, cursors } = memorySource([{ records: [{ id: 'a' }] }, { records: [{ id: 'b' }] }]);
    fixture = openRun('fp', [adapter]);
    fixture.state.setCursor(adapter.stateKey, '1');
    const first = recordingSink();
    await crawlSource(fixture.run, adapter, options, first.sink);
    expect(first.events).toEqual(['listing b true', 'page memory → null']);
    const run = fixture.state.run;
    if (!run) throw new Error('no run');
    fixture.state.setRun({ ...run, sourcesDone: [adapter.stateKey] });
    const second = recordingSink();
    await crawlSource(fixture.run, adapter, options, second.sink);
    expect(second.events).toEqual([]);
    expect(cursors).toEqual(['1']);
    expect(fixture.run.summary.sources.memory).toEqual({ completed: true, pages: 0 });
  });

  it('rethrows when the run is aborted instead of recording the source as stopped', async () => {
    const controller = new AbortController();
    const { adapter } = memorySource([{ records: [{ id: 'a' }] }, { records: [{ id: 'b' }] }], { failAfter: 1 });
    fixture = openRun('fp', [adapter], { signal: controller.signal });
    const { sink } = recordingSink();
    controller.abort();
    await expect(crawlSource(fixture.run, adapter, options, sink)).rejects.toThrow('the feed went away');
    expect(fixture.run.summary.stopped).toEqual([]);
  });
});

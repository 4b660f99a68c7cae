import { type NormalizedListing, NormalizeError, type PageFetcher, type SourceAdapter } from '../sources/types.js';
import { itemKey, reasonOf } from './entry.js';
import type { IngestRun } from './ingest-run.js';
import type { RevalidatingFetcher } from './revalidating-fetcher.js';
import { bump, type SourceReport } from './summary.js';

export interface CrawlOptions {
  /** What the source fetches pages and feeds with. */
  fetcher: PageFetcher;
  /** When pages come through the revalidating layer: told which records normalised, so unchanged ones are skipped next time. */
  revalidating?: Pick<RevalidatingFetcher, 'confirm' | 'unconfirm'>;
  /** Records per source page, where the source lets us choose. */
  pageSize: number;
}

/** Where the crawl hands its results (in `runIngest`: classify, then the bounded queue). */
export interface CrawlSink {
  /** A normalised listing met for the first time this run. */
  listing(listing: NormalizedListing, key: string): Promise<void>;
  /** Every record of a page has been handed over; `next` is the cursor after it. */
  pageDone(source: SourceAdapter, next: string | null): Promise<void>;
}

/**
 * Walks one source from its saved cursor, normalises each record and hands new listings to the sink. Bad
 * records are counted and skipped; a source that stops (circuit open, malformed page, …) is recorded as
 * stopped in the summary and the run goes on with the next source. An abort is rethrown.
 */
export async function crawlSource(
  run: IngestRun,
  adapter: SourceAdapter,
  options: CrawlOptions,
  sink: CrawlSink,
): Promise<void> {
  const { state, summary, logger } = run;
  const report: SourceReport = { completed: false, pages: 0 };
  summary.sources[adapter.source] = report;
  if (state.run?.sourcesDone.includes(adapter.stateKey)) {
    report.completed = true;
    return;
  }
  const context = {
    fetcher: options.fetcher,
    logger,
    pageSize: options.pageSize,
    ...(run.signal ? { signal: run.signal } : {}),
  };
  try {
    for await (const page of adapter.pages(context, state.cursor(adapter.stateKey) ?? null)) {
      report.pages++;
      if (page.total !== undefined) run.setSourceTotal(adapter.stateKey, page.total);
      for (const record of page.records) {
        summary.fetched++;
        if ('error' in record) {
          bump(summary.failed, `page:${reasonOf(record.error)}`);
          logger.warn({ ref: record.ref, err: record.error.message }, 'record could not be fetched');
          continue;
        }
        let listing: NormalizedListing;
        try {
          listing = adapter.normalize(record.payload);
          options.revalidating?.confirm(record.ref);
        } catch (error) {
          if (!(error instanceof NormalizeError)) throw error;
          options.revalidating?.unconfirm(record.ref);
          bump(summary.skipped, `normalize:${error.field}`);
          logger.warn({ ref: record.ref, field: error.field }, `record skipped: ${error.message}`);
          continue;
        }
        const key = itemKey(listing.source, listing.externalId);
        const admission = run.admit(key);
        if (admission === 'duplicate') bump(summary.skipped, 'duplicate');
        if (admission === 'new') await sink.listing(listing, key);
      }
      await sink.pageDone(adapter, page.next);
    }
    report.completed = true;
  } catch (error) {
    if (run.aborted) throw error;
    report.error = (error as Error).message;
    report.reason = reasonOf(error);
    summary.stopped.push({ source: adapter.source, reason: `${report.reason}: ${report.error}` });
    bump(summary.failed, `source:${report.reason}`);
    logger.error(
      { source: adapter.source, err: report.error },
      `source ${adapter.source} stopped: ${report.error}; the run goes on`,
    );
  }
}

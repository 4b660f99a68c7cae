export type RunOutcome = 'completed' | 'partial' | 'failed';

export interface SourceReport {
  completed: boolean;
  pages: number;
  error?: string;
  /** Short machine reason when the source stopped (`circuit_open`, `http_status`, `MalformedPageError`, …). */
  reason?: string;
}

/** What one run did; printed at the end of `ftf-ingest run` and returned by `runIngest`. */
export interface RunSummary {
  runId: number;
  /** This run continued one that was interrupted (kill, crash). */
  resumed: boolean;
  /** Raw records read from the sources. */
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  /** Images embedded this run (unchanged images are not). */
  embedded: number;
  /** Listings marked sold this run (seen sold / out of stock). */
  sold: number;
  /** Listings marked removed this run (missing for N consecutive runs). */
  removed: number;
  /** Records not ingested, by reason (normalize errors name the field: `normalize:pricing.currency_name`). */
  skipped: Record<string, number>;
  /** Records or pages that failed, by reason. */
  failed: Record<string, number>;
  sources: Record<string, SourceReport>;
  /**
   * `completed`: every source was crawled to its end; `partial`: some sources stopped (named in `stopped`),
   * the others completed; `failed`: no source completed. `ftf-ingest run` exits 0, 4 and 1 for them.
   */
  outcome: RunOutcome;
  /** Sources that stopped before their end, with the reason (e.g. `circuit_open: bot challenge`). */
  stopped: Array<{ source: string; reason: string }>;
  /** Pages and feeds a conditional GET found unchanged (HTTP 304), served from the stored copy. */
  notModified: number;
  /** Product pages not requested at all: their sitemap `<lastmod>` is the one of the last successful crawl. */
  lastmodSkipped: number;
  /** Hosts whose circuit breaker opened. */
  openCircuits: Record<string, string>;
  durationMs: number;
  /**
   * Where the consumer's time went: inside the embedder, waiting for fetched listings (the fetcher is the
   * bottleneck), waiting for the previous upsert (the server is). Tells what to tune.
   */
  timings: { embedMs: number; starvedMs: number; upsertWaitMs: number };
  /** Listings per second, end to end. */
  itemsPerSecond: number;
}

export function emptySummary(runId: number, resumed: boolean): RunSummary {
  return {
    runId,
    resumed,
    fetched: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    embedded: 0,
    sold: 0,
    removed: 0,
    skipped: {},
    failed: {},
    sources: {},
    outcome: 'completed',
    stopped: [],
    notModified: 0,
    lastmodSkipped: 0,
    openCircuits: {},
    durationMs: 0,
    timings: { embedMs: 0, starvedMs: 0, upsertWaitMs: 0 },
    itemsPerSecond: 0,
  };
}

/** The run's outcome from its per-source reports (an interrupted run is neither: it resumes next time). */
export function outcomeOf(sources: Record<string, SourceReport>): RunOutcome {
  const reports = Object.values(sources);
  const done = reports.filter((r) => r.completed).length;
  if (done === reports.length) return 'completed';
  return done === 0 ? 'failed' : 'partial';
}

/** Exit status of `ftf-ingest run` for an outcome: 0 completed, 4 some sources stopped, 1 failed. */
export const EXIT_CODES: Record<RunOutcome, number> = { completed: 0, partial: 4, failed: 1 };

export const bump = (counts: Record<string, number>, reason: string, by = 1): void => {
  counts[reason] = (counts[reason] ?? 0) + by;
};

/** One human line: `run 3 completed · fetched 60 · new 58 · updated 0 · unchanged 0 · skipped 2 (…) · failed 0`. */
export function formatSummary(s: RunSummary): string {
  const list = (counts: Record<string, number>) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const parts = Object.entries(counts).map(([k, v]) => `${k}: ${v}`);
    return parts.length ? `${total} (${parts.join(', ')})` : '0';
  };
  const stopped = s.stopped.map((x) => `${x.source} (${x.reason})`).join(', ');
  return [
    `run ${s.runId}${s.resumed ? ' (resumed)' : ''} ${s.outcome}${stopped ? `: stopped ${stopped}` : ''}`,
    `fetched ${s.fetched}`,
    `new ${s.new}`,
    `updated ${s.updated}`,
    `unchanged ${s.unchanged}`,
    `not modified (304) ${s.notModified}`,
    `lastmod skips ${s.lastmodSkipped}`,
    `embedded ${s.embedded}`,
    `sold ${s.sold}`,
    `removed ${s.removed}`,
    `skipped ${list(s.skipped)}`,
    `failed ${list(s.failed)}`,
    `${(s.durationMs / 1000).toFixed(1)} s, ${s.itemsPerSecond.toFixed(1)} items/s`,
  ].join(' · ');
}

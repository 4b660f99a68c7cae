import type { Logger } from 'pino';
import type { PoliteFetcher } from '../fetcher/polite-fetcher.js';
import type { SourceAdapter } from '../sources/types.js';
import type { StateStore } from '../state/state-store.js';
import type { RevalidatingFetcher } from './revalidating-fetcher.js';
import { emptySummary, outcomeOf, type RunSummary } from './summary.js';

export interface IngestProgress {
  /** Listings fully handled (committed to server and state). */
  processed: number;
  /** Listings the sources say they hold, when they say. */
  total: number | undefined;
  fetched: number;
  embedded: number;
}

export interface IngestRunOptions {
  /** The server's model fingerprint: the one every stored vector must carry. */
  fingerprint: string;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

/** What `admit` says of a listing key met during the crawl. */
export type Admission = 'new' | 'done-before-resume' | 'duplicate';

/**
 * The state one run shares between its stages (as crawlee's crawler shares its `Statistics`): run id, the
 * summary counters, which listings were seen, the sources' totals, progress, the state store, the abort signal
 * and the log. The stages (`crawl`, `classify`, `embed`, `commit`) take it as their first argument.
 */
export class IngestRun {
  readonly id: number;
  readonly resumed: boolean;
  readonly summary: RunSummary;
  readonly state: StateStore;
  readonly fingerprint: string;
  readonly logger: Logger;
  readonly signal: AbortSignal | undefined;
  readonly #onProgress: ((progress: IngestProgress) => void) | undefined;
  readonly #started = performance.now();
  /** Listings the interrupted part of a resumed run already committed: passed over without a count. */
  readonly #doneBeforeResume = new Set<string>();
  readonly #seen = new Set<string>();
  readonly #totals = new Map<string, number>();
  #processed = 0;

  private constructor(id: number, resumed: boolean, state: StateStore, options: IngestRunOptions) {
    this.id = id;
    this.resumed = resumed;
    this.summary = emptySummary(id, resumed);
    this.state = state;
    this.fingerprint = options.fingerprint;
    this.logger = options.logger;
    this.signal = options.signal;
    this.#onProgress = options.onProgress;
    for (const [key, item] of Object.entries(state.data.items))
      if (item.lastRun === id) this.#doneBeforeResume.add(key);
  }

  /** Starts a new run, or resumes the one a kill interrupted (same id, cursors where they were). */
  static begin(state: StateStore, sources: readonly SourceAdapter[], options: IngestRunOptions): IngestRun {
    const previous = state.run;
    if (previous && !previous.completed) {
      options.logger.info({ runId: previous.id }, `resuming interrupted run ${previous.id} from its saved cursors`);
      return new IngestRun(previous.id, true, state, options);
    }
    const id = (previous?.id ?? 0) + 1;
    for (const source of sources)
      if (state.cursor(source.stateKey) !== undefined) state.setCursor(source.stateKey, null);
    state.setRun({ id, startedAt: new Date().toISOString(), completed: false, sourcesDone: [] });
    state.commit();
    return new IngestRun(id, false, state, options);
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Marks a listing key as met this run; says whether to handle it, or why not. */
  admit(key: string): Admission {
    if (this.#doneBeforeResume.delete(key)) {
      this.#seen.add(key);
      return 'done-before-resume';
    }
    if (this.#seen.has(key)) return 'duplicate';
    this.#seen.add(key);
    return 'new';
  }

  /** A source's own count of its records (for the progress total). */
  setSourceTotal(stateKey: string, total: number): void {
    this.#totals.set(stateKey, total);
  }

  /** One listing committed to the server and the state. */
  countProcessed(): void {
    this.#processed++;
  }

  reportProgress(): void {
    this.#onProgress?.({
      processed: this.#processed,
      total: this.#totals.size > 0 ? [...this.#totals.values()].reduce((a, b) => a + b, 0) : undefined,
      fetched: this.summary.fetched,
      embedded: this.summary.embedded,
    });
  }

  /** Records a finished (not interrupted) run in the state: outcome, stopped sources, finish time. */
  markCompleted(): void {
    const run = this.state.run;
    if (!run) return;
    const stopped = this.summary.stopped.map((s) => s.source);
    this.state.setRun({
      ...run,
      completed: true,
      finishedAt: new Date().toISOString(),
      outcome: outcomeOf(this.summary.sources),
      stopped,
    });
  }

  /** Fills the summary's closing fields: outcome, open circuits, revalidation counts, duration, timings, rate. */
  finalSummary(fetcher: PoliteFetcher, sourceFetcher: RevalidatingFetcher | undefined): RunSummary {
    const summary = this.summary;
    for (const [host, reason] of fetcher.openCircuits) summary.openCircuits[host] = reason;
    summary.outcome = outcomeOf(summary.sources);
    if (sourceFetcher) Object.assign(summary, sourceFetcher.stats);
    summary.durationMs = Math.round(performance.now() - this.#started);
    for (const key of ['embedMs', 'starvedMs', 'upsertWaitMs'] as const)
      summary.timings[key] = Math.round(summary.timings[key]);
    const handled = summary.new + summary.updated + summary.unchanged;
    summary.itemsPerSecond = summary.durationMs > 0 ? handled / (summary.durationMs / 1000) : 0;
    return summary;
  }
}

import { StoreError } from './errors.js';

/** Seconds a shed client is told to wait (Retry-After). Queries take milliseconds; a second is plenty. */
export const SHED_RETRY_AFTER_SECONDS = 1;
/** Default bound on queries waiting for the database (FTF_QUERY_QUEUE_MAX). */
export const DEFAULT_QUERY_QUEUE_MAX = 256;

/** A burst ends once no query has been refused for this long (one log line per overload, not per flap). */
export const SHED_QUIET_MS = 1_000;

export interface ShedEvent {
  /** 'start': the first query refused after a calm spell; 'end': a query admitted after SHED_QUIET_MS without refusals, with how many were refused. */
  phase: 'start' | 'end';
  limit: number;
  shed: number;
}

/**
 * Load shedding in front of a driver: a query that would wait behind `limit` others is refused at once with
 * StoreError 'overloaded' (HTTP 503 + Retry-After) rather than queued without bound. Bursts are reported
 * once at their start and once at their end (after SHED_QUIET_MS without refusals), never per refused query.
 */
export class QueryQueueLimit {
  #shed = 0;
  #lastShedAt = 0;

  constructor(
    readonly limit: number,
    private readonly onShed?: (event: ShedEvent) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new StoreError('invalid_config', `the query queue limit must be a positive integer, got ${limit}`);
    }
  }

  /** Call before handing a query to the driver, with how many are already waiting for it. */
  admit(waiting: number): void {
    if (waiting >= this.limit) {
      this.#lastShedAt = performance.now();
      if (this.#shed++ === 0) this.onShed?.({ phase: 'start', limit: this.limit, shed: 0 });
      throw new StoreError('overloaded', 'too many queries are waiting for the database', {
        details: { retryAfterSeconds: SHED_RETRY_AFTER_SECONDS, queueLimit: this.limit },
      });
    }
    if (this.#shed > 0 && performance.now() - this.#lastShedAt >= SHED_QUIET_MS) {
      this.onShed?.({ phase: 'end', limit: this.limit, shed: this.#shed });
      this.#shed = 0;
    }
  }
}

import { Cron } from 'croner';
import type { Logger } from 'pino';
import { sleep } from './fetcher/backoff.js';

export const DEFAULT_CRON = '0 */3 * * *';

export interface SchedulerOptions {
  /** Cron expression (5 fields, or 6 with seconds). Default every 3 hours. */
  cron?: string;
  /** A random pause in [0, jitterMs) before each run, so many workers do not hit sites on the same second. */
  jitterMs?: number;
  timezone?: string;
  task: (signal: AbortSignal) => Promise<unknown>;
  logger: Logger;
  random?: () => number;
}

export interface Scheduler {
  /** Next planned tick, if any. */
  nextRun(): Date | null;
  /** Ticks that found a run still going and were skipped (never two at once). */
  readonly stats: { started: number; finished: number; skipped: number; failed: number; maxConcurrent: number };
  /** Stops ticking, aborts a waiting/running task and resolves when it has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `task` on a cron schedule, never two at once: a tick that comes while a run (or its jitter wait)
 * is in progress is skipped and logged — not queued, so a slow run cannot build a backlog.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { logger } = options;
  const cron = options.cron ?? DEFAULT_CRON;
  const jitterMs = options.jitterMs ?? 0;
  if (!Number.isFinite(jitterMs) || jitterMs < 0) throw new RangeError(`jitterMs must be ≥ 0, got ${jitterMs}`);
  const random = options.random ?? Math.random;
  const stats = { started: 0, finished: 0, skipped: 0, failed: 0, maxConcurrent: 0 };
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let active = 0;

  const tick = () => {
    if (running) {
      stats.skipped++;
      logger.warn({ cron }, 'scheduled run skipped: the previous run is still going');
      return;
    }
    running = (async () => {
      try {
        const wait = Math.floor(random() * jitterMs);
        if (wait > 0) await sleep(wait, controller.signal);
        active++;
        stats.maxConcurrent = Math.max(stats.maxConcurrent, active);
        stats.started++;
        try {
          await options.task(controller.signal);
          stats.finished++;
        } finally {
          active--;
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        stats.failed++;
        logger.error({ err: (error as Error).message }, 'scheduled run failed; the next tick will try again');
      } finally {
        running = undefined;
      }
    })();
  };

  let job: Cron;
  try {
    job = new Cron(cron, { ...(options.timezone ? { timezone: options.timezone } : {}) }, tick);
  } catch (error) {
    throw new RangeError(`Invalid cron expression "${cron}": ${(error as Error).message}`);
  }
  logger.info({ cron, jitterMs, next: job.nextRun()?.toISOString() }, 'scheduler started');

  return {
    nextRun: () => job.nextRun(),
    stats,
    async stop() {
      job.stop();
      controller.abort(new Error('scheduler stopped'));
      await running;
    },
  };
}

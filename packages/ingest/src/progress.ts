import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { IngestProgress } from './pipeline/run-ingest.js';

export interface ProgressReporter {
  update(progress: IngestProgress): void;
  stop(): void;
}

/**
 * On a TTY: a bar on stderr with count, rate and ETA. Otherwise: a JSON log line at most every
 * `intervalMs` with the same numbers (a bar in a log file is noise).
 */
export function createProgress(options: {
  tty: boolean;
  logger: Logger;
  label: string;
  intervalMs?: number;
}): ProgressReporter {
  const started = Date.now();
  const rateOf = (processed: number) => processed / Math.max(0.001, (Date.now() - started) / 1000);
  if (options.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} {bar} {value}/{total} listings | {rate}/s | ETA {eta_formatted} | embedded {embedded}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(p) {
        const total = Math.max(p.total ?? p.processed, p.processed, 1);
        const payload = { rate: rateOf(p.processed).toFixed(1), embedded: p.embedded };
        if (!startedBar) {
          bar.start(total, p.processed, payload);
          startedBar = true;
        } else {
          bar.setTotal(total);
          bar.update(p.processed, payload);
        }
      },
      stop() {
        if (startedBar) bar.stop();
      },
    };
  }
  const interval = options.intervalMs ?? 5000;
  let last = 0;
  return {
    update(p) {
      if (Date.now() - last < interval) return;
      last = Date.now();
      const rate = rateOf(p.processed);
      const etaS =
        p.total !== undefined && rate > 0 ? Math.max(0, Math.round((p.total - p.processed) / rate)) : undefined;
      options.logger.info({ progress: { ...p, rate: Number(rate.toFixed(2)), etaS } }, `${options.label} progress`);
    },
    stop() {},
  };
}

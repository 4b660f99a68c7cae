import cliProgress from 'cli-progress';
import type { EvalPhase, EvalProgress } from './run-eval.js';

const LABELS: Record<EvalPhase, string> = {
  load: 'loading model',
  gallery: 'embedding gallery',
  index: 'indexing',
  queries: 'queries (whole)',
  'queries-cropped': 'queries (cropped)',
};

/**
 * On a terminal: one bar per phase on stderr. Elsewhere: one line per finished phase (a bar in a CI log is
 * noise). Returns the callback and a `stop` that clears a bar left running by an error.
 */
export function createProgress(tty: boolean): { onProgress: (event: EvalProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stop,
    onProgress(event) {
      const key = `${event.preset}/${event.phase}`;
      if (!tty) {
        if (event.done === event.total && event.total > 0)
          process.stderr.write(`${event.preset}: ${LABELS[event.phase]} done (${event.total})\n`);
        return;
      }
      if (key !== current) {
        stop();
        current = key;
        bar = new cliProgress.SingleBar(
          {
            format: `${event.preset} ${LABELS[event.phase].padEnd(18)} {bar} {value}/{total} | ETA {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, event.done);
      } else {
        bar?.update(event.done);
      }
      if (event.done >= event.total) stop();
    },
  };
}

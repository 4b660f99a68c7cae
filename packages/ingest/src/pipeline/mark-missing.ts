import { type FindThisFit, NotFoundError } from '@find-this-fit/sdk';
import type { SourceAdapter } from '../sources/types.js';
import type { IngestRun } from './ingest-run.js';

/**
 * After a finished run: listings of fully crawled sources that this run did not see get one more miss; at
 * `removeAfterMissedRuns` misses they are marked `removed` on the server. `missedRun` makes a resumed run
 * count a miss once.
 */
export async function markMissing(
  run: IngestRun,
  client: FindThisFit,
  sources: readonly SourceAdapter[],
  removeAfterMissedRuns: number,
): Promise<void> {
  const { state, summary, logger } = run;
  const complete = new Set(sources.filter((s) => summary.sources[s.source]?.completed).map((s) => s.source));
  for (const [key, item] of Object.entries(state.data.items)) {
    if (!complete.has(item.listing.source) || item.lastRun === run.id || item.missedRun === run.id) continue;
    if (item.status === 'removed') continue;
    const missed = item.missed + 1;
    if (missed >= removeAfterMissedRuns) {
      try {
        await client.items.setStatus(item.id, 'removed');
        state.patchItem(key, { missed, missedRun: run.id, status: 'removed' });
        summary.removed++;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        state.deleteItem(key);
      }
      logger.info({ source: item.listing.source, externalId: item.listing.externalId, missed }, 'listing removed');
    } else {
      state.patchItem(key, { missed, missedRun: run.id });
    }
  }
  state.commit();
}

import { encodeVector, type FindThisFit, NotFoundError } from '@find-this-fit/sdk';
import type { Entry, UpsertEntry } from './entry.js';
import type { IngestRun } from './ingest-run.js';
import { bump } from './summary.js';

export interface CommitOptions {
  /** Listings per admin upsert request (≤ the server's maxBatch). */
  upsertBatchSize: number;
}

type Embedded = UpsertEntry & { vector: Float32Array };

/**
 * The commit stage: sends one batch to the server (upserts of the entries that have a vector, status changes),
 * then records every entry in the state (items, cursors of finished pages, sources done) and commits the state,
 * so a run killed after this point resumes after this batch. Entries still without a vector (their image could
 * not be embedded) are left out of both.
 */
export async function commitBatch(
  run: IngestRun,
  client: FindThisFit,
  options: CommitOptions,
  batch: readonly Entry[],
): Promise<void> {
  const { state, summary, fingerprint } = run;
  const upserts = batch.filter((e): e is Embedded => e.kind === 'upsert' && e.vector !== undefined);
  const ids = new Map<Embedded, string>();
  if (upserts.length > 0) {
    const response = await client.items.upsert(
      upserts.map((e) => ({ ...e.listing, imageHash: e.imageHash, vector: e.vector })),
      { model: fingerprint, batchSize: options.upsertBatchSize },
    );
    for (const [i, id] of response.ids.entries()) ids.set(upserts[i] as Embedded, id);
  }
  const at = new Date().toISOString();
  const mark = { lastSeen: at, lastRun: run.id, missed: 0 };
  for (const entry of batch) {
    switch (entry.kind) {
      case 'upsert': {
        const id = ids.get(entry as Embedded);
        if (id === undefined || entry.vector === undefined) break;
        const { existing, listing } = entry;
        state.putItem(entry.key, {
          id,
          listing,
          fieldsHash: entry.fieldsHash,
          status: listing.status,
          imageHash: entry.imageHash,
          fingerprint,
          vector: encodeVector(entry.vector),
          firstSeen: existing?.firstSeen ?? at,
          ...mark,
        });
        if (existing) summary.updated++;
        else summary.new++;
        // A listing first seen already sold is stored sold too: it counts (the summary once said 0 here).
        if (listing.status === 'sold' && existing?.status !== 'sold') summary.sold++;
        run.countProcessed();
        break;
      }
      case 'status': {
        try {
          await client.items.setStatus(entry.existing.id, entry.status);
          state.patchItem(entry.key, { status: entry.status, ...mark });
          summary.updated++;
          if (entry.status === 'sold') summary.sold++;
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          state.deleteItem(entry.key); // the server lost it: next run ingests it afresh
          bump(summary.failed, 'status:not_found');
        }
        run.countProcessed();
        break;
      }
      case 'seen':
        state.patchItem(entry.key, mark);
        if (entry.counted) summary.unchanged++;
        run.countProcessed();
        break;
      case 'checkpoint': {
        state.setCursor(entry.source.stateKey, entry.next);
        const current = state.run;
        if (entry.next === null && current && !current.sourcesDone.includes(entry.source.stateKey)) {
          state.setRun({ ...current, sourcesDone: [...current.sourcesDone, entry.source.stateKey] });
        }
        break;
      }
    }
  }
  state.commit();
  run.reportProgress();
}

import { FindThisFit } from '@find-this-fit/sdk';
import type { Logger } from 'pino';
import type { IngestConfig } from './config.js';
import { PoliteFetcher } from './fetcher/polite-fetcher.js';
import { type ReembedSummary, reembedAll } from './pipeline/reembed.js';
import { RevalidatingFetcher } from './pipeline/revalidating-fetcher.js';
import { type IngestProgress, runIngest } from './pipeline/run-ingest.js';
import { loadServerModel, type ServerModel } from './pipeline/server-model.js';
import type { RunSummary } from './pipeline/summary.js';
import { depopSource } from './sources/depop.js';
import { ebaySource } from './sources/ebay.js';
import { jsonLdSource } from './sources/jsonld.js';
import { shopifySource } from './sources/shopify.js';
import type { SourceAdapter } from './sources/types.js';
import { wooCommerceSource } from './sources/woocommerce.js';
import { BodyStore } from './state/body-store.js';
import { StateStore } from './state/state-store.js';

/** The adapters a config names, in order. */
export function buildSources(config: IngestConfig): SourceAdapter[] {
  return config.sources.map((s): SourceAdapter => {
    if (s.type === 'depop') return depopSource(s);
    if (s.type === 'shopify') return shopifySource(s);
    if (s.type === 'woocommerce') return wooCommerceSource(s);
    if (s.type === 'ebay') return ebaySource(s);
    return jsonLdSource({
      sitemapUrl: s.sitemapUrl,
      ...(s.include ? { include: new RegExp(s.include) } : {}),
      ...(s.name ? { name: s.name } : {}),
    });
  });
}

export function buildFetcher(config: IngestConfig, logger: Logger): PoliteFetcher {
  const { allowPrivateAddresses, allowLoopback, ...fetch } = config.fetch;
  return new PoliteFetcher({
    ...fetch,
    userAgent: `${config.userAgent.product} (+${config.userAgent.contactUrl})`,
    robotsAgent: config.userAgent.product.split('/')[0] ?? config.userAgent.product,
    addressPolicy: { allowPrivateAddresses, allowLoopback },
    logger,
  });
}

export function buildClient(config: IngestConfig): FindThisFit {
  return new FindThisFit({ baseURL: config.server.url, apiKey: config.server.apiKey, maxRetries: 4, timeout: 120_000 });
}

export interface RunHooks {
  logger: Logger;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

/** What both commands work with: the client, the server's model in a worker, the state and the fetcher. */
interface IngestResources {
  client: FindThisFit;
  model: ServerModel;
  state: StateStore;
  fetcher: PoliteFetcher;
}

/**
 * Opens the client, the server's model (checked against the server), the state (locked) and the fetcher, runs
 * `work`, and closes them again whatever happens — in the reverse order, the model worker included when the
 * state cannot be opened (e.g. another run holds it).
 */
async function withIngestResources<T>(
  config: IngestConfig,
  hooks: RunHooks,
  work: (resources: IngestResources) => Promise<T>,
): Promise<T> {
  const client = buildClient(config);
  const model = await loadServerModel(client, {
    modelDir: config.modelDir,
    threads: config.threads,
    batchSize: config.batch.embed,
  });
  let state: StateStore;
  try {
    state = StateStore.open(config.stateDir);
  } catch (error) {
    await model.embedder.dispose(); // e.g. another run holds the state: don't leave the worker running
    throw error;
  }
  const fetcher = buildFetcher(config, hooks.logger);
  try {
    return await work({ client, model, state, fetcher });
  } finally {
    state.close();
    await fetcher.close();
    await model.embedder.dispose();
  }
}

/** The run and reembed options every command shares: batch sizes (capped by the server) and image limits. */
function batchOptions(config: IngestConfig, model: ServerModel, hooks: RunHooks) {
  return {
    embedBatchSize: config.batch.embed,
    upsertBatchSize: Math.min(config.batch.upsert, model.info.limits.maxBatch),
    maxImageBytes: config.images.maxBytes,
    maxImagePixels: config.images.maxPixels,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  };
}

/** Everything one `ftf-ingest run` does: model from the server, state, fetcher, the run, clean-up. */
export function ingestOnce(config: IngestConfig, hooks: RunHooks): Promise<RunSummary> {
  return withIngestResources(config, hooks, async ({ client, model, state, fetcher }) => {
    const bodies = new BodyStore(config.stateDir);
    const sourceFetcher = new RevalidatingFetcher(fetcher, state, bodies);
    const summary = await runIngest(
      {
        client,
        embedder: model.embedder,
        fingerprint: model.fingerprint,
        fetcher,
        sourceFetcher,
        state,
        sources: buildSources(config),
        logger: hooks.logger,
      },
      {
        ...batchOptions(config, model, hooks),
        pageSize: config.batch.pageSize,
        removeAfterMissedRuns: config.freshness.removeAfterMissedRuns,
        recheckImages: config.images.recheck,
      },
    );
    // Stored pages no URL points at any more (changed or gone): only after a whole run, never mid-way.
    if (state.run?.completed) bodies.prune(sourceFetcher.referencedBodies());
    return summary;
  });
}

/** `ftf-ingest reembed`: every stored listing whose vector is not from the server's model, resumably. */
export function reembedOnce(config: IngestConfig, hooks: RunHooks): Promise<ReembedSummary> {
  return withIngestResources(config, hooks, ({ client, model, state, fetcher }) =>
    reembedAll(
      { client, embedder: model.embedder, fingerprint: model.fingerprint, fetcher, state, logger: hooks.logger },
      batchOptions(config, model, hooks),
    ),
  );
}

// The search server on PGlite with the fixture model, seeded with the fixture marketplace's listings: what the
// widget, the demo shop and the Vue shop tests search against.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureListing, renderListingImage, startFixtureMarketplace } from '@find-this-fit/fixture-marketplace';
import { FindThisFit, type ListingUpsert } from '@find-this-fit/sdk';
import { createEmbedder, type Embedder } from '@find-this-fit/sdk/embedder';
import { createLogger, loadConfig, type RunningServer, startServer } from '@find-this-fit/server';
import { fixtureDir } from './paths.js';

export const SECRET = 'sk_widget_test_secret';
export const PUBLISHABLE = 'pk_widget_test_public';

export interface SeededListing {
  listing: FixtureListing;
  id: string;
  image: Buffer;
}

export async function fixtureEmbedder(): Promise<Embedder> {
  return createEmbedder({ preset: 'fixture', modelDir: fixtureDir(), threads: 1 });
}

export interface SeededServer {
  api: RunningServer;
  marketplaceUrl: string;
  /** The active listings, in the marketplace's order, with their server ids and photos. */
  listings: SeededListing[];
  close(): Promise<void>;
}

/**
 * The search server on PGlite (temp dir) with the fixture model and server-side image search, its key and CORS
 * bound to `pageOrigin`, and the fixture marketplace's active listings embedded in Node and upserted.
 */
export async function startSeededServer(options: {
  pageOrigin: string;
  count?: number;
  seed?: number;
  env?: Record<string, string>;
}): Promise<SeededServer> {
  const marketplace = await startFixtureMarketplace({ count: options.count ?? 24, seed: options.seed ?? 7 });
  const dataDir = await mkdtemp(join(tmpdir(), 'ftf-widget-data-'));
  const config = loadConfig({
    PORT: '0',
    FTF_DATA_DIR: dataDir,
    FTF_MODEL: 'fixture',
    FTF_IMAGE_SEARCH_MODEL_DIR: fixtureDir(),
    FTF_SECRET_KEYS: SECRET,
    FTF_PUBLISHABLE_KEYS: `${PUBLISHABLE}=${options.pageOrigin}`,
    FTF_CORS_ORIGINS: options.pageOrigin,
    FTF_RATE_LIMIT_RPS: '1000',
    FTF_RATE_LIMIT_BURST: '1000',
    FTF_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const api = await startServer(config, createLogger('silent'));
  const listings = await seedCatalogue(
    api.url,
    marketplace.listings.filter((l) => l.status === 'active'),
  );
  return {
    api,
    marketplaceUrl: marketplace.url,
    listings,
    async close() {
      await api.close();
      await marketplace.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Embeds each listing photo with the fixture model and upserts the catalogue through the admin API. */
export async function seedCatalogue(apiUrl: string, listings: readonly FixtureListing[]): Promise<SeededListing[]> {
  const embedder = await fixtureEmbedder();
  try {
    const images = await Promise.all(listings.map((listing) => renderListingImage(listing)));
    const vectors = await embedder.embedImages(images);
    const items: (Omit<ListingUpsert, 'vector'> & { vector: number[] })[] = listings.map((l, i) => ({
      source: l.source,
      externalId: l.externalId,
      title: l.title,
      description: l.description,
      brand: l.brand,
      size: l.size,
      category: l.category,
      condition: l.condition,
      conditionRaw: l.conditionRaw,
      price: l.price,
      url: l.url,
      appUrl: l.appUrl,
      imageUrl: l.imageUrl,
      vector: Array.from(vectors[i] ?? []),
    }));
    const admin = new FindThisFit({ baseURL: apiUrl, apiKey: SECRET });
    const { ids } = await admin.items.upsert(items, { model: embedder.fingerprint });
    const seeded = listings.map((listing, i) => ({ listing, id: ids[i] ?? '', image: images[i] ?? Buffer.alloc(0) }));
    return seeded;
  } finally {
    await embedder.dispose();
  }
}

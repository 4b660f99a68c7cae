import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EBAY_FIXTURE_CREDENTIALS,
  type Marketplace,
  SHOPIFY_STORE,
  startFixtureMarketplace,
} from '@find-this-fit/fixture-marketplace';
import { FindThisFit } from '@find-this-fit/sdk';
import { loadConfig as loadServerConfig, type RunningServer, startServer } from '@find-this-fit/server';
import pino from 'pino';
import { buildConfig, type IngestConfig } from '../../src/config.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
export const FIXTURE_MODEL_DIR = resolve(
  REPO_ROOT,
  process.env.FTF_MODELS_ROOT ?? process.env.FTF_MODELS_DIR ?? '.models',
  'fixture',
);
export const SECRET = 'sk_ingest_test_0001';

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The real search server on PGlite in a temp dir, fixture model, a secret key, rate limits off. */
export async function startTestServer(): Promise<{
  server: RunningServer;
  client: FindThisFit;
  close(): Promise<void>;
}> {
  const data = tempDir('ftf-ingest-server-');
  const config = loadServerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    FTF_DATA_DIR: data.path,
    FTF_MODEL: 'fixture',
    FTF_SECRET_KEYS: SECRET,
    FTF_RATE_LIMIT_RPS: '0',
    FTF_LOG_LEVEL: 'silent',
  });
  const server = await startServer(config, pino({ level: 'silent' }));
  return {
    server,
    client: new FindThisFit({ baseURL: server.url, apiKey: SECRET }),
    close: async () => {
      await server.close();
      data.remove();
    },
  };
}

/**
 * An ingest config for the sources of a fixture marketplace (Depop, Shopify, JSON-LD; WooCommerce and eBay too
 * when `marketplaces` says so), fast and loopback-only. eBay app keys come through the environment, as in use.
 */
export function marketConfig(
  market: Marketplace,
  serverUrl: string,
  stateDir: string,
  extra: Record<string, unknown> = {},
  marketplaces = false,
): IngestConfig {
  const more = marketplaces
    ? [
        { type: 'woocommerce', storeUrl: market.sources.woocommerce.storeUrl },
        { type: 'ebay', apiBase: market.sources.ebay.apiBase, marketplaceId: 'EBAY_US' },
      ]
    : [];
  return buildConfig(
    {
      server: { url: serverUrl },
      modelDir: FIXTURE_MODEL_DIR,
      stateDir,
      userAgent: { product: 'FindThisFitBot/0.1', contactUrl: 'https://find-this-fit.example/bot' },
      sources: [
        { type: 'depop', apiBase: market.sources.depop.apiBase, webBase: market.sources.depop.webBase },
        { type: 'shopify', storeUrl: market.sources.shopify.storeUrl, currency: SHOPIFY_STORE.currency },
        { type: 'jsonld', sitemapUrl: market.sources.jsonld.sitemapUrl },
        ...more,
      ],
      fetch: { crawlDelayMs: 0, allowLoopback: true, timeoutMs: 2000, backoffBaseMs: 20, backoffCapMs: 200 },
      batch: { pageSize: 10, embed: 8, upsert: 50 },
      ...extra,
    },
    {
      baseDir: REPO_ROOT,
      env: {
        FTF_INGEST_API_KEY: SECRET,
        EBAY_CLIENT_ID: EBAY_FIXTURE_CREDENTIALS.clientId,
        EBAY_CLIENT_SECRET: EBAY_FIXTURE_CREDENTIALS.clientSecret,
      },
    },
  );
}

export type { Marketplace };
export { startFixtureMarketplace };

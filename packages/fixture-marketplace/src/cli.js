#!/usr/bin/env node
// @ts-check
// ftf-fixture-marketplace: serves the fixture marketplace until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startFixtureMarketplace } from './server.js';

const HELP = `Usage: ftf-fixture-marketplace [options]

Serves a deterministic fake second-hand marketplace on loopback: a Depop-like API, a Shopify-like
products.json store and a JSON-LD shop with a sitemap, with generated garment photos.

Options:
  --port <n>     port to listen on (default 4400; 0 picks a free one)
  --host <addr>  address to bind (default 127.0.0.1)
  --count <n>    number of listings, 1..100000 (default 60)
  --seed <n>     catalogue seed (default 1)
  --woocommerce <n>  also a WooCommerce Store API shop with n listings (default 0)
  --ebay <n>         also an eBay-shaped Browse API with n listings (default 0)
  --gzip-sitemaps    the sitemap index lists gzipped child sitemaps (.xml.gz)
  -h, --help     show this help
`;

/** @param {string | undefined} value @param {string} name @param {number} fallback */
function integer(value, name, fallback) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new RangeError(`--${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

async function main() {
  // `pnpm start -- --count 5` passes the `--` through: drop it.
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      woocommerce: { type: 'string' },
      ebay: { type: 'string' },
      'gzip-sitemaps': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const market = await startFixtureMarketplace({
    port: integer(values.port, 'port', 4400),
    host: values.host ?? '127.0.0.1',
    count: integer(values.count, 'count', 60),
    seed: integer(values.seed, 'seed', 1),
    extraSources: { woocommerce: integer(values.woocommerce, 'woocommerce', 0), ebay: integer(values.ebay, 'ebay', 0) },
    sitemapGzip: values['gzip-sitemaps'] === true,
  });
  const { woocommerce, ebay } = market.sources;
  process.stdout.write(
    [
      `Fixture marketplace: ${market.url} (${market.listings.length} listings)`,
      `  Depop-like API:  ${market.sources.depop.apiBase}/search/products/?limit=24`,
      `  Shopify store:   ${market.sources.shopify.storeUrl}/products.json`,
      `  JSON-LD shop:    ${market.sources.jsonld.sitemapUrl}`,
      `  WooCommerce:     ${woocommerce.storeUrl}/wp-json/wc/store/v1/products`,
      `  eBay-shaped API: ${ebay.apiBase} (EBAY_CLIENT_ID=${ebay.credentials.clientId} EBAY_CLIENT_SECRET=${ebay.credentials.clientSecret})`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await market.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`ftf-fixture-marketplace: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
  process.exit(1);
});

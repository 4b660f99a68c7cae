// @ts-check
// Public entry: the catalogue, the image renderer and the server.
export { generateCatalogue, makeListing } from './catalogue.js';
export { decompressionBombPng } from './image/hostile.js';
export { renderListingImage } from './image/render.js';
export { createRandom } from './random.js';
export { depopShopId } from './routes.js';
export { defaultRobotsTxt, startFixtureMarketplace } from './server.js';
export {
  COLOURS,
  CONDITIONS,
  DEPOP_CONDITIONS,
  EBAY_CONDITIONS,
  EBAY_FIXTURE_CREDENTIALS,
  GARMENT_KINDS,
  JSONLD_SHOP,
  PATTERNS,
  SCHEMA_ORG_CONDITIONS,
  SHOPIFY_CONDITIONS,
  SHOPIFY_STORE,
  WOO_CONDITIONS,
  WOO_STORE,
} from './vocab.js';

/** @typedef {import('./catalogue.js').FixtureListing} FixtureListing */
/** @typedef {import('./server.js').Marketplace} Marketplace */
/** @typedef {import('./server.js').MarketplaceOptions} MarketplaceOptions */
/** @typedef {import('./faults.js').Fault} Fault */

// @ts-check
// A shop that publishes nothing but HTML pages with schema.org Product JSON-LD, found through its sitemaps
// (sitemaps.org protocol: a sitemap index pointing to numbered url sets).
import { JSONLD_SHOP } from '../vocab.js';
import { escapeHtml, productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

/** @param {string} origin @param {number} files @param {string} lastmod @param {string} [suffix] `.xml` or `.xml.gz` */
export function sitemapIndex(origin, files, lastmod, suffix = '.xml') {
  const entries = Array.from(
    { length: files },
    (_, i) =>
      `  <sitemap>\n    <loc>${origin}/shop/sitemap-products-${i + 1}${suffix}</loc>\n    <lastmod>${lastmod}</lastmod>\n  </sitemap>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.join('\n')}
</sitemapindex>
`;
}

/** @param {FixtureListing[]} listings @param {(listing: FixtureListing) => string} lastmodOf */
export function sitemapUrlSet(listings, lastmodOf) {
  const entries = listings.map(
    (l) => `  <url>\n    <loc>${escapeHtml(l.url)}</loc>\n    <lastmod>${lastmodOf(l)}</lastmod>\n  </url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.join('\n')}
</urlset>
`;
}

/** @param {FixtureListing} listing */
export function jsonldProductPage(listing) {
  return productPage(listing, JSONLD_SHOP.name, { sku: listing.externalId, itemCondition: listing.conditionRaw });
}

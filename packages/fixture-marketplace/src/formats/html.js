// @ts-check
// Product pages with a schema.org Product JSON-LD block, as shops and Depop serve them.
import { formatDecimal } from '../catalogue.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON inside <script> must not close the tag early. @param {unknown} value */
export function scriptJson(value) {
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c');
}

/** Sold listings say SoldOut or OutOfStock (alternating by sequence number: shops use both). @param {FixtureListing} listing */
export function availabilityOf(listing) {
  if (listing.status !== 'sold') return 'https://schema.org/InStock';
  return listing.n % 2 === 0 ? 'https://schema.org/SoldOut' : 'https://schema.org/OutOfStock';
}

/**
 * A schema.org Product for a listing.
 * @param {FixtureListing} listing @param {{ sku: string, itemCondition: string }} extra
 */
export function productJsonLd(listing, extra) {
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: listing.title,
    image: listing.imageUrl,
    description: listing.description,
    sku: extra.sku,
    ...(listing.brand === null ? {} : { brand: { '@type': 'Brand', name: listing.brand } }),
    category: listing.category,
    size: listing.size,
    color: listing.colour.name,
    offers: {
      '@type': 'Offer',
      price: formatDecimal(listing.price.amount),
      priceCurrency: listing.price.currency,
      availability: availabilityOf(listing),
      itemCondition: extra.itemCondition,
      url: listing.url,
    },
  };
}

/**
 * @param {FixtureListing} listing @param {string} siteName @param {{ sku: string, itemCondition: string }} extra
 */
export function productPage(listing, siteName, extra) {
  const price = `${formatDecimal(listing.price.amount)} ${listing.price.currency}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(listing.title)} | ${escapeHtml(siteName)}</title>
<link rel="canonical" href="${escapeHtml(listing.url)}">
<meta property="og:title" content="${escapeHtml(listing.title)}">
<meta property="og:image" content="${escapeHtml(listing.imageUrl)}">
<script type="application/ld+json">
${scriptJson(productJsonLd(listing, extra))}
</script>
</head>
<body>
<main>
<h1>${escapeHtml(listing.title)}</h1>
<img src="${escapeHtml(listing.imageUrl)}" alt="${escapeHtml(listing.title)}" width="640" height="640">
<p class="price">${escapeHtml(price)}${listing.status === 'sold' ? ' (sold)' : ''}</p>
<p class="size">Size ${escapeHtml(listing.size)}</p>
<p class="description">${escapeHtml(listing.description)}</p>
</main>
</body>
</html>
`;
}

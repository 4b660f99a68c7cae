// @ts-check
// Depop-shaped JSON (search API v3) and product pages. Field names follow Depop's public web client;
// statuses are `ONSALE` / `SOLD` (our choice of Depop's wording).
import { formatDecimal, imageUrl } from '../catalogue.js';
import { productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

/** @param {number} amount @param {string} currency */
const priceBlock = (amount, currency) => ({
  total_price: formatDecimal(amount),
  price_breakdown: {
    price: { amount: formatDecimal(amount), currency_name: currency },
    national_shipping_cost: { amount: '3.99', currency_name: currency },
  },
});

/** @param {FixtureListing} listing @param {string} origin */
export function depopProduct(listing, origin) {
  const picture = { 150: imageUrl(origin, listing.key, 150), 640: imageUrl(origin, listing.key, 640) };
  const reduced = listing.originalPrice !== null;
  /** @type {Record<string, unknown>} */
  const pricing = {
    currency_name: listing.price.currency,
    is_reduced: reduced,
    final_price_key: reduced ? 'discounted_price' : 'original_price',
    original_price: priceBlock(listing.originalPrice ?? listing.price.amount, listing.price.currency),
  };
  if (reduced) pricing.discounted_price = priceBlock(listing.price.amount, listing.price.currency);
  return {
    id: Number(listing.externalId),
    slug: listing.slug,
    description: `${listing.title}\n\n${listing.description}`,
    ...(listing.brand === null ? {} : { brand_name: listing.brand }),
    category_name: listing.category,
    sizes: [listing.size],
    attributes: { condition: listing.conditionRaw, colour: [listing.colour.name] },
    status: listing.status === 'sold' ? 'SOLD' : 'ONSALE',
    seller: { username: listing.seller },
    preview: picture,
    pictures: [picture],
    pricing,
  };
}

/**
 * `GET /depop/api/v3/search/products/` body for one page.
 * @param {FixtureListing[]} page @param {number} total @param {string | null} last @param {boolean} hasMore @param {string} origin
 */
export function depopSearchPage(page, total, last, hasMore, origin) {
  return {
    meta: { total_count: total, result_count: page.length },
    page_info: { has_more: hasMore, last },
    objects: page.map((l) => depopProduct(l, origin)),
  };
}

/** @param {FixtureListing} listing */
export function depopProductPage(listing) {
  return productPage(listing, 'Depop', {
    sku: listing.externalId,
    itemCondition: listing.condition === 'new' ? 'https://schema.org/NewCondition' : 'https://schema.org/UsedCondition',
  });
}

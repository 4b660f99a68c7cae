// @ts-check
// Depop-shaped JSON and product pages, in the shapes public clients recorded (see the ingest README's Depop
// section): the web search (`objects`, `page_info`, `pricing.final_price_key`, `pictures[].formats.P0.url`) and a
// seller's shop products (`products`, `meta.end`/`last_offset_id`, `price.price_amount`, width-keyed `preview`).
// Statuses are `ONSALE` / `SOLD`.
import { formatDecimal, imageUrl } from '../catalogue.js';
import { productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

/** @param {number} amount */
const priceBlock = (amount) => ({
  total_price: formatDecimal(amount),
  price_breakdown: { price: { amount: formatDecimal(amount) } },
});

/** @param {string} url */
const formats = (url) => ({ formats: { P0: { url } } });

/** @param {FixtureListing} listing @param {string} origin */
export function depopProduct(listing, origin) {
  const picture = formats(imageUrl(origin, listing.key, 640));
  const reduced = listing.originalPrice !== null;
  return {
    id: Number(listing.externalId),
    slug: listing.slug,
    description: `${listing.title}\n\n${listing.description}`,
    ...(listing.brand === null ? {} : { brand_name: listing.brand }),
    category_name: listing.category,
    sizes: [{ id: 1, name: listing.size, quantity: 1 }],
    attributes: { condition: listing.conditionRaw, colour: [listing.colour.name] },
    status: listing.status === 'sold' ? 'SOLD' : 'ONSALE',
    seller: { username: listing.seller },
    preview: picture,
    pictures: [picture],
    pricing: {
      currency: listing.price.currency,
      current_price: priceBlock(listing.price.amount),
      original_price: priceBlock(listing.originalPrice ?? listing.price.amount),
      is_reduced: reduced,
      final_price_key: reduced ? 'current_price' : 'original_price',
    },
  };
}

/** A product of a seller's shop (`/api/v1/shop/<id>/products/`). @param {FixtureListing} listing @param {string} origin */
export function depopShopProduct(listing, origin) {
  const reduced = listing.originalPrice !== null;
  return {
    id: Number(listing.externalId),
    slug: listing.slug,
    status: listing.status === 'sold' ? 'SOLD' : 'ONSALE',
    price: {
      price_amount: formatDecimal(listing.originalPrice ?? listing.price.amount),
      ...(reduced ? { discounted_price_amount: formatDecimal(listing.price.amount) } : {}),
      currency_name: listing.price.currency,
      national_shipping_cost: '3.99',
    },
    preview: {
      150: imageUrl(origin, listing.key, 150),
      640: imageUrl(origin, listing.key, 640),
      1280: imageUrl(origin, listing.key, 1280),
    },
  };
}

/**
 * One page of a shop's products. @param {FixtureListing[]} page @param {boolean} end @param {string} origin
 */
export function depopShopPage(page, end, origin) {
  const last = page[page.length - 1];
  return {
    meta: { ...(last ? { last_offset_id: Buffer.from(`n:${last.n}`).toString('base64url') } : {}), end },
    products: page.map((l) => depopShopProduct(l, origin)),
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

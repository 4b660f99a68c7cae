// @ts-check
// Shopify storefront `/products.json` shapes (the public, unauthenticated endpoint every store serves).
// One variant per product (second-hand items are one-offs); the size is `option1`; the condition is a tag.
import { formatDecimal } from '../catalogue.js';
import { escapeHtml, productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

const CREATED = '2026-01-05T10:00:00+00:00';

/** @param {FixtureListing} listing @param {string} updatedAt ISO date */
export function shopifyProduct(listing, updatedAt) {
  const id = Number(listing.externalId);
  return {
    id,
    title: listing.title,
    handle: listing.slug,
    body_html: `<p>${escapeHtml(listing.description)}</p>`,
    published_at: CREATED,
    created_at: CREATED,
    updated_at: updatedAt,
    vendor: listing.brand,
    product_type: listing.category,
    tags: [`Condition: ${listing.conditionRaw}`, listing.colour.name, listing.garment],
    variants: [
      {
        id: id + 1,
        title: listing.size,
        option1: listing.size,
        option2: null,
        option3: null,
        sku: `TH-${listing.externalId.slice(-6)}`,
        requires_shipping: true,
        taxable: true,
        featured_image: null,
        available: listing.status !== 'sold',
        price: formatDecimal(listing.price.amount),
        grams: 600,
        compare_at_price: null,
        position: 1,
        product_id: id,
        created_at: CREATED,
        updated_at: updatedAt,
      },
    ],
    images: [
      {
        id: id + 2,
        created_at: CREATED,
        position: 1,
        updated_at: updatedAt,
        product_id: id,
        variant_ids: [],
        src: listing.imageUrl,
        width: 640,
        height: 640,
      },
    ],
    options: [{ name: 'Size', position: 1, values: [listing.size] }],
  };
}

/** @param {FixtureListing} listing */
export function shopifyProductPage(listing) {
  return productPage(listing, 'Thrift Harbour', {
    sku: `TH-${listing.externalId.slice(-6)}`,
    itemCondition: listing.condition === 'new' ? 'https://schema.org/NewCondition' : 'https://schema.org/UsedCondition',
  });
}

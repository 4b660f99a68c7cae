// @ts-check
// WooCommerce Store API shapes (`GET /wp-json/wc/store/v1/products`), field for field as the Store API docs'
// "List Products" example, plus the categories, brands and attributes the Store API's product schema returns.
import { WOO_STORE } from '../vocab.js';
import { escapeHtml, productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

const SYMBOL = { GBP: '£', USD: '$', EUR: '€' };

/** WordPress escapes titles: an en dash or apostrophe arrives as an entity. @param {string} text */
const wpTexturize = (text) => escapeHtml(text).replace(/'/g, '&#8217;');

/** @param {FixtureListing} listing @param {string} origin */
export function wooProduct(listing, origin) {
  const id = Number(listing.externalId);
  const price = String(listing.price.amount);
  const symbol = SYMBOL[listing.price.currency] ?? '';
  const inStock = listing.status !== 'sold';
  const name = wpTexturize(listing.title);
  return {
    id,
    name,
    slug: listing.slug,
    variation: '',
    permalink: listing.url,
    sku: `AT-${listing.externalId}`,
    summary: `<p>${escapeHtml(listing.description)}</p>`,
    short_description: `<p>${escapeHtml(listing.description)}</p>`,
    description: `<p>${escapeHtml(listing.description)}</p>`,
    on_sale: false,
    prices: {
      currency_code: listing.price.currency,
      currency_symbol: symbol,
      currency_minor_unit: 2,
      currency_decimal_separator: '.',
      currency_thousand_separator: ',',
      currency_prefix: symbol,
      currency_suffix: '',
      price,
      regular_price: price,
      sale_price: price,
      price_range: null,
    },
    average_rating: '0',
    review_count: 0,
    images: [
      {
        id: id + 100_000,
        src: listing.imageUrl,
        thumbnail: listing.imageUrl.replace(/w=\d+/, 'w=324'),
        srcset: `${listing.imageUrl} 640w`,
        sizes: '(max-width: 640px) 100vw, 640px',
        name: `${listing.key}.jpg`,
        alt: '',
      },
    ],
    categories: [
      {
        id: 20,
        name: listing.category,
        slug: listing.category.toLowerCase(),
        link: `${origin}/woo/product-category/${listing.category.toLowerCase()}/`,
      },
    ],
    brands:
      listing.brand === null
        ? []
        : [
            {
              id: 40,
              name: wpTexturize(listing.brand),
              slug: listing.brand.toLowerCase(),
              link: `${origin}/woo/brand/`,
            },
          ],
    attributes: [
      {
        id: 1,
        name: 'Size',
        taxonomy: 'pa_size',
        has_variations: false,
        terms: [{ id: 30, name: listing.size, slug: listing.size.toLowerCase().replace(/\s+/g, '-') }],
      },
      {
        id: 0,
        name: 'Condition',
        taxonomy: null,
        has_variations: false,
        terms: [{ id: 0, name: listing.conditionRaw, slug: listing.conditionRaw }],
      },
    ],
    has_options: false,
    is_purchasable: inStock,
    is_in_stock: inStock,
    low_stock_remaining: null,
    add_to_cart: {
      text: inStock ? 'Add to cart' : 'Read more',
      description: inStock ? `Add &ldquo;${name}&rdquo; to your cart` : `Read more about &ldquo;${name}&rdquo;`,
    },
  };
}

/** @param {FixtureListing} listing */
export function wooProductPage(listing) {
  return productPage(listing, WOO_STORE.name, {
    sku: `AT-${listing.externalId}`,
    itemCondition: 'https://schema.org/UsedCondition',
  });
}

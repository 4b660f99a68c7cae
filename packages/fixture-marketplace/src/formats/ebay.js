// @ts-check
// eBay Browse API shapes: `item_summary/search` pages and the OAuth client-credentials token, laid out as the
// samples in eBay's Browse API and OAuth documentation.
import { formatDecimal } from '../catalogue.js';
import { EBAY_CONDITIONS } from '../vocab.js';
import { productPage } from './html.js';

/** @typedef {import('../catalogue.js').FixtureListing} FixtureListing */

/** @param {FixtureListing} listing */
const legacyId = (listing) => listing.externalId.split('|')[1] ?? listing.externalId;

/** @param {FixtureListing} listing @param {string} origin */
export function ebayItemSummary(listing, origin) {
  const condition = EBAY_CONDITIONS[listing.conditionRaw];
  const id = legacyId(listing);
  return {
    itemId: listing.externalId,
    title: listing.title,
    leafCategoryIds: ['11450'],
    categories: [
      { categoryId: '11450', categoryName: listing.category },
      { categoryId: '11450', categoryName: 'Clothing, Shoes & Accessories' },
    ],
    image: { imageUrl: listing.imageUrl },
    price: { value: formatDecimal(listing.price.amount), currency: listing.price.currency },
    itemHref: `${origin}/ebay/buy/browse/v1/item/${encodeURIComponent(listing.externalId)}`,
    seller: { username: listing.seller ?? 'a*****s', feedbackPercentage: '99.1', feedbackScore: 2140 },
    condition: listing.conditionRaw,
    conditionId: condition?.id ?? '3000',
    thumbnailImages: [{ imageUrl: listing.imageUrl.replace(/w=\d+/, 'w=500') }],
    shippingOptions: [{ shippingCostType: 'FIXED', shippingCost: { value: '4.99', currency: listing.price.currency } }],
    buyingOptions: ['FIXED_PRICE', 'BEST_OFFER'],
    itemAffiliateWebUrl: `${listing.url}?hash=item${id.slice(-6)}:g:AAA`,
    itemWebUrl: listing.url,
    itemLocation: { postalCode: '100**', country: 'US' },
    additionalImages: [{ imageUrl: listing.imageUrl.replace(/w=\d+/, 'w=225') }],
    adultOnly: false,
    legacyItemId: id,
    availableCoupons: false,
    itemCreationDate: '2026-01-05T10:00:00.000Z',
    topRatedBuyingExperience: false,
    priorityListing: false,
    listingMarketplaceId: 'EBAY_US',
  };
}

/**
 * One `item_summary/search` page. `next` only while more items follow (as eBay does).
 * @param {FixtureListing[]} page @param {{ total: number, limit: number, offset: number, href: string, nextHref: string | null, origin: string }} o
 */
export function ebaySearchPage(page, o) {
  return {
    href: o.href,
    total: o.total,
    ...(o.nextHref ? { next: o.nextHref } : {}),
    limit: o.limit,
    offset: o.offset,
    ...(page.length > 0 ? { itemSummaries: page.map((l) => ebayItemSummary(l, o.origin)) } : {}),
  };
}

/** @param {FixtureListing} listing */
export function ebayItemPage(listing) {
  return productPage(listing, 'eBay', { sku: legacyId(listing), itemCondition: 'https://schema.org/UsedCondition' });
}

import type { ListingStatus, Money } from '@find-this-fit/sdk';
import { describe, isRecord, moneyFrom } from '../sources/fields.js';
import { NormalizeError } from '../sources/types.js';
import { hasType, listOf, schemaTerm } from './schema-org.js';

/** schema.org ItemAvailability members that mean "can be bought" (some only later or elsewhere). */
const AVAILABLE = new Set([
  'instock',
  'instoreonly',
  'onlineonly',
  'limitedavailability',
  'preorder',
  'presale',
  'backorder',
  'madetoorder',
]);
/** …and those that mean it is gone. */
const GONE = new Set(['outofstock', 'soldout', 'discontinued']);

export interface OfferReading {
  price: Money;
  status: ListingStatus;
  /** `itemCondition` of the offer as written, when it has one. */
  conditionRaw: string | null;
  /** The offer's own URL (a variant's), unresolved. */
  url: string | null;
}

type Node = Record<string, unknown>;

/** An enumeration value as written: a string, a JSON-LD reference `{"@id": "https://schema.org/InStock"}`, the first of an array. */
export function termOf(value: unknown): unknown {
  const first = Array.isArray(value) ? value[0] : value;
  return isRecord(first) && typeof first['@id'] === 'string' ? first['@id'] : first;
}

/** Availability → status. Missing means available: schema.org makes `availability` optional. */
export function statusOf(raw: unknown, path: string): ListingStatus {
  const availability = termOf(raw);
  if (availability === undefined || availability === null || availability === '') return 'active';
  if (typeof availability !== 'string')
    throw new NormalizeError(path, `expected a URL or term, got ${describe(availability)}`);
  const term = schemaTerm(availability);
  if (AVAILABLE.has(term)) return 'active';
  if (GONE.has(term)) return 'sold';
  throw new NormalizeError(path, `unknown availability "${availability}"`);
}

const present = (value: unknown): boolean =>
  value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

/** A strikethrough or list price is the old price, not what the item sells for. */
const OLD_PRICE = new Set(['strikethroughprice', 'listprice', 'msrp', 'srp', 'invoiceprice']);

function moneyOf(offer: Node, path: string): Money {
  if (present(offer.price))
    return moneyFrom(offer.price, offer.priceCurrency, `${path}.price`, `${path}.priceCurrency`);
  const specs = listOf(offer.priceSpecification).filter(isRecord);
  const spec =
    specs.find(
      (s) => present(s.price) && !(typeof s.priceType === 'string' && OLD_PRICE.has(schemaTerm(s.priceType))),
    ) ?? specs.find((s) => present(s.price));
  if (spec)
    return moneyFrom(
      spec.price,
      spec.priceCurrency ?? offer.priceCurrency,
      `${path}.priceSpecification.price`,
      `${path}.priceSpecification.priceCurrency`,
    );
  // AggregateOffer: the lowest price is what "from" means on a shop page; highPrice alone still tells a price.
  const amount = present(offer.lowPrice) ? offer.lowPrice : offer.highPrice;
  const field = present(offer.lowPrice) ? 'lowPrice' : present(offer.highPrice) ? 'highPrice' : 'price';
  return moneyFrom(amount, offer.priceCurrency, `${path}.${field}`, `${path}.priceCurrency`);
}

/** Offers, with an `AggregateOffer`'s own `offers` listed before it (they are more specific). */
function flatten(value: unknown, path: string, into: Array<{ offer: Node; path: string }>, depth = 0): void {
  const items = listOf(value);
  items.forEach((item, i) => {
    if (!isRecord(item)) return;
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    if (depth < 2 && hasType(item, 'aggregateoffer') && item.offers !== undefined)
      flatten(item.offers, `${at}.offers`, into, depth + 1);
    into.push({ offer: item, path: at });
  });
}

/**
 * `offers` of a Product: an `Offer`, an `AggregateOffer` (`lowPrice`/`highPrice`), `priceSpecification`, or an
 * array of them. The first available offer with a price wins; sold only when every priced offer is gone. Pure.
 * @throws {NormalizeError} naming the field when no offer has a readable price.
 */
export function readOffers(value: unknown, path = 'offers'): OfferReading {
  const offers: Array<{ offer: Node; path: string }> = [];
  flatten(value, path, offers);
  if (offers.length === 0) throw new NormalizeError(path, `expected an object, got ${describe(value)}`);
  const priced: OfferReading[] = [];
  let firstError: NormalizeError | undefined;
  for (const { offer, path: at } of offers) {
    try {
      const price = moneyOf(offer, at);
      const status = statusOf(offer.availability, `${at}.availability`);
      const condition = termOf(offer.itemCondition);
      const conditionRaw = typeof condition === 'string' ? condition.trim() || null : null;
      const url = typeof offer.url === 'string' ? offer.url : null;
      priced.push({ price, status, conditionRaw, url });
    } catch (error) {
      if (!(error instanceof NormalizeError)) throw error;
      firstError ??= error;
    }
  }
  const chosen = priced.find((o) => o.status === 'active') ?? priced[0];
  if (!chosen) throw firstError ?? new NormalizeError(path, 'no offer with a price');
  return chosen;
}

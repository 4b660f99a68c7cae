import type { Condition } from '@find-this-fit/sdk';
import { decodeHTML } from 'entities';
import { describe, isRecord, requiredUrl } from '../sources/fields.js';
import { cleanText } from '../sources/html-text.js';
import { type NormalizedListing, NormalizeError } from '../sources/types.js';
import { type OfferReading, readOffers, termOf } from './offers.js';
import { GROUP_TYPES, hasType, listOf, schemaTerm } from './schema-org.js';

type Node = Record<string, unknown>;

const CONDITIONS: Record<string, Condition> = {
  newcondition: 'new',
  new: 'new',
  usedcondition: 'good',
  used: 'good',
  refurbishedcondition: 'good',
  refurbished: 'good',
  damagedcondition: 'poor',
  damaged: 'poor',
};

/** A text field: a string or number, the `name` of an object (Brand, Organization), the first of an array. */
export function textOf(value: unknown, path: string): string | null {
  const first = Array.isArray(value) ? value.find((v) => v !== null && v !== undefined && v !== '') : value;
  if (first === undefined || first === null || first === '') return null;
  if (typeof first === 'number' && Number.isFinite(first)) return String(first);
  if (typeof first === 'string') return cleanText(first) || null;
  if (isRecord(first)) return textOf(first.name ?? first.value ?? first['@value'], `${path}.name`);
  throw new NormalizeError(path, `expected text, got ${describe(first)}`);
}

/** An http(s) URL resolved against the page (relative, protocol-relative, `&amp;` in it decoded), or null. */
export function urlOf(value: unknown, base: string, path: string): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return requiredUrl(decodeHTML(value.trim()), path, base);
}

/** `image`: a URL, an array of them, an ImageObject (`url` or `contentUrl`), an array of ImageObjects. */
export function imageOf(value: unknown, base: string, path = 'image'): string | null {
  for (const [i, item] of listOf(value).entries()) {
    const at = Array.isArray(value) ? `${path}[${i}]` : path;
    const found = isRecord(item) ? imageOf(item.url ?? item.contentUrl, base, `${at}.url`) : urlOf(item, base, at);
    if (found) return found;
  }
  return null;
}

/** `size` (text or a SizeSpecification's name), else an `additionalProperty` named like "Size". */
export function sizeOf(node: Node): string | null {
  const direct = textOf(node.size, 'size');
  if (direct) return direct;
  for (const property of listOf(node.additionalProperty)) {
    if (isRecord(property) && typeof property.name === 'string' && /\bsize\b/i.test(property.name))
      return textOf(property.value, 'additionalProperty.value');
  }
  return null;
}

function categoryOf(value: unknown): string | null {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return cleanText(value.join(' > ')) || null;
  return textOf(value, 'category');
}

const idOf = (node: Node, keys: string[]): string | null => {
  for (const key of keys) {
    const value = textOf(node[key], key);
    if (value) return value;
  }
  return null;
};

interface Variant {
  node: Node;
  offer: OfferReading;
}

/**
 * A group's variants with a readable offer; the first available one is the listing's (like a Shopify product's
 * first available variant). @throws {NormalizeError} when no variant has a price.
 */
function chooseVariant(group: Node): Variant {
  const priced: Variant[] = [];
  let firstError: NormalizeError | undefined;
  for (const [i, node] of listOf(group.hasVariant).entries()) {
    if (!isRecord(node) || node.offers === undefined) continue;
    try {
      priced.push({ node, offer: readOffers(node.offers, `hasVariant[${i}].offers`) });
    } catch (error) {
      if (!(error instanceof NormalizeError)) throw error;
      firstError ??= error;
    }
  }
  const chosen = priced.find((v) => v.offer.status === 'active') ?? priced[0];
  if (chosen) return chosen;
  // A group may carry the offer itself (an AggregateOffer over its variants).
  if (group.offers !== undefined) return { node: {}, offer: readOffers(group.offers) };
  throw firstError ?? new NormalizeError('hasVariant', 'no variant with offers');
}

/**
 * A schema.org Product (JSON-LD, or microdata read into the same shape) → listing. Pure. A `ProductGroup` is one
 * listing: its name, description, brand and `productGroupID`, the price, size, image and condition of its first
 * available variant, sold only when every variant is gone. `pageUrl` resolves relative URLs and is the fallback
 * `url` and `externalId`.
 */
export function normalizeProductNode(product: Node, pageUrl: string, source: string): NormalizedListing {
  const isGroup = hasType(product, ...GROUP_TYPES);
  let variant: Node = {};
  let offer: OfferReading;
  if (isGroup) {
    const chosen = chooseVariant(product);
    variant = chosen.node;
    offer = chosen.offer;
  } else {
    offer = readOffers(product.offers);
  }
  const pick = (key: string): unknown => (product[key] ?? variant[key]) as unknown;
  const title = textOf(pick('name'), 'name');
  if (!title) throw new NormalizeError('name', `expected a non-empty string, got ${describe(product.name)}`);

  const conditionRaw =
    offer.conditionRaw ??
    textOf(termOf(variant.itemCondition), 'itemCondition') ??
    textOf(termOf(product.itemCondition), 'itemCondition');
  const condition = conditionRaw ? (CONDITIONS[schemaTerm(conditionRaw)] ?? null) : null;
  const imageUrl =
    imageOf(variant.image, pageUrl, 'hasVariant.image') ??
    imageOf(product.image, pageUrl) ??
    (isGroup
      ? imageOf(
          listOf(product.hasVariant).map((v) => (isRecord(v) ? v.image : undefined)),
          pageUrl,
        )
      : null) ??
    requiredUrl(undefined, 'image');
  const externalId = isGroup
    ? (idOf(product, ['productGroupID', 'sku', 'productID']) ?? pageUrl)
    : (idOf(product, ['sku', 'productID']) ?? pageUrl);
  return {
    source,
    externalId,
    title,
    description: textOf(pick('description'), 'description'),
    brand: textOf(pick('brand'), 'brand'),
    size: sizeOf(variant) ?? sizeOf(product),
    category: categoryOf(pick('category')),
    condition,
    conditionRaw,
    price: offer.price,
    url: urlOf(product.url, pageUrl, 'url') ?? new URL(pageUrl).href,
    appUrl: null,
    imageUrl,
    status: offer.status,
  };
}

// A reference normaliser from each source's wire format back to the catalogue's canonical fields. The tests
// use it to prove the feeds carry exactly the canonical listing; ingest's own normaliser should agree.
import { DEPOP_CONDITIONS, SCHEMA_ORG_CONDITIONS, SHOPIFY_CONDITIONS } from '../../src/index.js';

export interface Canonical {
  externalId: string;
  title: string;
  description: string;
  brand: string | null;
  size: string;
  category: string;
  condition: string | undefined;
  conditionRaw: string;
  price: { amount: number; currency: string };
  status: 'active' | 'sold';
  url: string;
  appUrl: string | null;
  imageUrl: string;
}

/** "25.00" → 2500 without float error. */
export const minorUnits = (decimal: string): number => {
  if (!/^\d+\.\d{2}$/.test(decimal)) throw new Error(`not a 2-decimal price: ${decimal}`);
  return Number(decimal.replace('.', ''));
};

// biome-ignore lint/suspicious/noExplicitAny: wire formats are untyped JSON
type Json = any;

export function fromDepop(o: Json, origin: string): Canonical {
  const [title = '', ...rest] = String(o.description).split('\n');
  const priceKey = o.pricing.final_price_key as string;
  return {
    externalId: String(o.id),
    title,
    description: rest.join('\n').trim(),
    brand: o.brand_name ?? null,
    size: o.sizes[0].name,
    category: o.category_name,
    condition: DEPOP_CONDITIONS[o.attributes.condition],
    conditionRaw: o.attributes.condition,
    price: { amount: minorUnits(o.pricing[priceKey].price_breakdown.price.amount), currency: o.pricing.currency },
    status: o.status === 'SOLD' ? 'sold' : 'active',
    url: `${origin}/depop/products/${o.slug}/`,
    appUrl: `depop://product/${o.id}`,
    imageUrl: o.pictures[0].formats.P0.url,
  };
}

export function fromShopify(p: Json, origin: string, currency: string): Canonical {
  const tag = (p.tags as string[]).find((t) => t.startsWith('Condition: ')) ?? '';
  const raw = tag.slice('Condition: '.length);
  const variant = p.variants[0];
  return {
    externalId: String(p.id),
    title: p.title,
    description: String(p.body_html)
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .trim(),
    brand: p.vendor,
    size: variant.option1,
    category: p.product_type,
    condition: SHOPIFY_CONDITIONS[raw],
    conditionRaw: raw,
    price: { amount: minorUnits(variant.price), currency },
    status: (p.variants as Json[]).some((v) => v.available) ? 'active' : 'sold',
    url: `${origin}/shopify/products/${p.handle}`,
    appUrl: null,
    imageUrl: p.images[0].src,
  };
}

export function jsonLdOf(html: string): Json {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no JSON-LD block');
  return JSON.parse(match[1]);
}

export function fromJsonLd(product: Json): Canonical {
  const offer = product.offers;
  return {
    externalId: product.sku,
    title: product.name,
    description: product.description,
    brand: product.brand?.name ?? null,
    size: product.size,
    category: product.category,
    condition: SCHEMA_ORG_CONDITIONS[offer.itemCondition],
    conditionRaw: offer.itemCondition,
    price: { amount: minorUnits(offer.price), currency: offer.priceCurrency },
    status: offer.availability === 'https://schema.org/InStock' ? 'active' : 'sold',
    url: offer.url,
    appUrl: null,
    imageUrl: product.image,
  };
}

/** The canonical fields of a catalogue listing, for comparison with the normalisers' output. */
export function canonicalOf(l: Canonical): Canonical {
  return {
    externalId: l.externalId,
    title: l.title,
    description: l.description,
    brand: l.brand,
    size: l.size,
    category: l.category,
    condition: l.condition,
    conditionRaw: l.conditionRaw,
    price: { amount: l.price.amount, currency: l.price.currency },
    status: l.status,
    url: l.url,
    appUrl: l.appUrl,
    imageUrl: l.imageUrl,
  };
}

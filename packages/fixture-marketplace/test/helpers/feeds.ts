// Walks every feed of a running marketplace the way a crawler would.
import type { Marketplace } from '../../src/index.js';
import { type Canonical, fromDepop, fromJsonLd, fromShopify, jsonLdOf } from './normalise.js';

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return (await res.json()) as T;
}

export async function getText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.text();
}

/** Follows `page_info.last` until `has_more` is false. */
export async function walkDepop(market: Marketplace, limit = 24): Promise<{ pages: number; items: Canonical[] }> {
  const items: Canonical[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (after) q.set('after', after);
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(`${market.sources.depop.apiBase}/search/products/?${q}`);
    pages++;
    for (const o of body.objects) items.push(fromDepop(o, market.url));
    if (!body.page_info.has_more) break;
    after = body.page_info.last;
  }
  return { pages, items };
}

/** Requests `page=1,2,…` until a page comes back empty. */
export async function walkShopify(market: Marketplace, limit = 250): Promise<{ pages: number; items: Canonical[] }> {
  const { currency } = await getJson<{ currency: string }>(`${market.sources.shopify.storeUrl}/meta.json`);
  const items: Canonical[] = [];
  for (let page = 1; ; page++) {
    // biome-ignore lint/suspicious/noExplicitAny: wire format
    const body: any = await getJson(`${market.sources.shopify.storeUrl}/products.json?limit=${limit}&page=${page}`);
    if (body.products.length === 0) return { pages: page, items };
    for (const p of body.products) items.push(fromShopify(p, market.url, currency));
  }
}

export const locs = (xml: string): string[] => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');

/** Sitemap index → url sets → product pages → JSON-LD. */
export async function walkJsonLd(market: Marketplace): Promise<{ sitemaps: number; items: Canonical[] }> {
  const sitemaps = locs(await getText(market.sources.jsonld.sitemapUrl));
  const items: Canonical[] = [];
  for (const sitemap of sitemaps) {
    for (const page of locs(await getText(sitemap))) items.push(fromJsonLd(jsonLdOf(await getText(page))));
  }
  return { sitemaps: sitemaps.length, items };
}

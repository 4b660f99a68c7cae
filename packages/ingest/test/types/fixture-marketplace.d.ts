// The fixture marketplace is plain JavaScript with JSDoc types; these are the parts ingest's tests use.
declare module '@find-this-fit/fixture-marketplace' {
  export interface FixtureListing {
    key: string;
    n: number;
    source: 'depop' | 'shopify' | 'jsonld' | 'woocommerce' | 'ebay';
    externalId: string;
    slug: string;
    title: string;
    status: 'active' | 'sold';
    price: { amount: number; currency: string };
    url: string;
    imageUrl: string;
    seller: string | null;
  }
  export type Fault =
    | { type: 'status'; status: number; retryAfter?: number | string; headers?: Record<string, string> }
    | { type: 'delay'; ms: number }
    | { type: 'reset' }
    | { type: 'malformed' }
    | { type: 'challenge' }
    | { type: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
    | { type: 'oversized-image'; bytes: number }
    | { type: 'decompression-bomb'; width?: number; height?: number }
    | { type: 'wrong-content-type'; contentType: string };
  export interface LoggedRequest {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    status: number;
    at: number;
  }
  export interface Marketplace {
    url: string;
    sources: {
      depop: { apiBase: string; webBase: string };
      shopify: { storeUrl: string };
      jsonld: { siteUrl: string; sitemapUrl: string };
      woocommerce: { storeUrl: string };
      ebay: { apiBase: string; credentials: { clientId: string; clientSecret: string } };
      depopShop: { apiBase: string; webBase: string };
    };
    ebay: { readonly minted: number; revokeAll(): void };
    listings: FixtureListing[];
    faults: {
      add(rule: { match: string | RegExp; times?: number; fault: Fault }): { readonly hits: number };
      clear(): void;
    };
    requests: LoggedRequest[];
    readonly maxConcurrent: number;
    robotsTxt: string;
    resetLog(): void;
    get(key: string): FixtureListing | undefined;
    setPrice(key: string, amount: number): FixtureListing;
    markSold(key: string): FixtureListing;
    remove(key: string): FixtureListing;
    changeImage(key: string): FixtureListing;
    prerender(): Promise<void>;
    close(): Promise<void>;
  }
  export function startFixtureMarketplace(options?: {
    count?: number;
    seed?: number;
    port?: number;
    robotsTxt?: string;
    pageSize?: number;
    imageCacheBytes?: number;
    extraSources?: { woocommerce?: number; ebay?: number };
    sitemapGzip?: boolean;
  }): Promise<Marketplace>;
  export function defaultRobotsTxt(origin: string): string;
  export const SHOPIFY_STORE: { name: string; currency: string };
  export const EBAY_FIXTURE_CREDENTIALS: { clientId: string; clientSecret: string };
  export function depopShopId(seller: string | null): string;
}

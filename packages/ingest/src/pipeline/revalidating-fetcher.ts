import type { FetchOptions, FetchResult, PoliteFetcher } from '../fetcher/polite-fetcher.js';
import type { BodyStore } from '../state/body-store.js';
import type { StateStore } from '../state/state-store.js';
import type { HttpCacheEntry } from '../state/types.js';
import { sitemapLastmods } from './sitemap-lastmod.js';

export interface RevalidationStats {
  /** Conditional GETs answered 304: served from the stored body. */
  notModified: number;
  /** Pages not requested at all: unchanged sitemap `<lastmod>` since they were last ingested. */
  lastmodSkipped: number;
}

/**
 * What sources fetch pages and feeds through, in front of the polite fetcher: re-crawls send conditional GETs
 * (`If-None-Match` / `If-Modified-Since` from the validators stored per URL) and a 304 is answered with the
 * stored body, so sources parse the same bytes and nothing downstream changes (nothing is re-embedded). Product
 * pages whose sitemap `<lastmod>` is the one they had when last ingested are not requested at all. Images, POSTs
 * and requests that bring their own validators pass straight through.
 */
export class RevalidatingFetcher {
  readonly #inner: Pick<PoliteFetcher, 'fetch' | 'isAllowed'>;
  readonly #state: StateStore;
  readonly #bodies: BodyStore;
  /** `<lastmod>` per page URL, from the sitemaps read this run. */
  readonly #lastmods = new Map<string, string>();
  readonly stats: RevalidationStats = { notModified: 0, lastmodSkipped: 0 };

  constructor(inner: Pick<PoliteFetcher, 'fetch' | 'isAllowed'>, state: StateStore, bodies: BodyStore) {
    this.#inner = inner;
    this.#state = state;
    this.#bodies = bodies;
  }

  async fetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
    const { fresh, ...rest } = options;
    if (rest.conditional || (rest.method && rest.method !== 'GET') || rest.accept?.startsWith('image/'))
      return this.#inner.fetch(url, rest);
    const entry = this.#state.http(url);
    const stored = !fresh && entry?.stored && entry.hash ? this.#bodies.get(entry.hash) : undefined;
    const lastmod = this.#lastmods.get(url);
    const unchanged = stored && entry && lastmod !== undefined && entry.lastmod === lastmod && entry.confirmed;
    // No request, but still polite: a page robots.txt now disallows is not served from the store either.
    if (unchanged && stored && entry && (await this.#inner.isAllowed(url))) {
      this.stats.lastmodSkipped++;
      return this.#fromStore(url, entry, stored);
    }
    const conditional =
      stored && entry && (entry.etag || entry.lastModified)
        ? {
            ...(entry.etag ? { etag: entry.etag } : {}),
            ...(entry.lastModified ? { lastModified: entry.lastModified } : {}),
          }
        : undefined;
    const response = await this.#inner.fetch(url, conditional ? { ...rest, conditional } : rest);
    if (response.notModified && stored && entry) {
      this.stats.notModified++;
      if (lastmod !== undefined && entry.lastmod !== lastmod) this.#state.setHttp(url, { ...entry, lastmod });
      this.#learn(stored);
      return { ...this.#fromStore(url, entry, stored), headers: response.headers };
    }
    this.#remember(url, response, lastmod);
    this.#learn(response.body);
    return response;
  }

  /** The source turned this URL's body into a listing: an unchanged `<lastmod>` may now skip it. */
  confirm(url: string): void {
    const entry = this.#state.http(url);
    if (entry?.stored && !entry.confirmed) this.#state.setHttp(url, { ...entry, confirmed: true });
  }

  /** The record from this URL could not be used: fetch it again next time even if its `<lastmod>` stays. */
  unconfirm(url: string): void {
    const entry = this.#state.http(url);
    if (entry?.confirmed) {
      const { confirmed: _, ...rest } = entry;
      this.#state.setHttp(url, rest);
    }
  }

  /** Bodies the state still points at (the rest of the body store can go). */
  referencedBodies(): Set<string> {
    const keep = new Set<string>();
    for (const entry of Object.values(this.#state.data.http)) if (entry.stored && entry.hash) keep.add(entry.hash);
    return keep;
  }

  #fromStore(url: string, entry: HttpCacheEntry, body: Buffer): FetchResult {
    return {
      url: entry.finalUrl ?? url,
      status: 304,
      notModified: true,
      contentType: entry.contentType,
      etag: entry.etag,
      lastModified: entry.lastModified,
      headers: {},
      body,
    };
  }

  /** Keeps the body and validators of a 200 that can be revalidated (validators) or skipped (a `<lastmod>`). */
  #remember(url: string, response: FetchResult, lastmod: string | undefined): void {
    if (!response.etag && !response.lastModified && lastmod === undefined) return;
    const entry: HttpCacheEntry = { hash: this.#bodies.put(response.body), stored: true };
    if (response.etag) entry.etag = response.etag;
    if (response.lastModified) entry.lastModified = response.lastModified;
    if (response.contentType) entry.contentType = response.contentType;
    if (response.url !== url) entry.finalUrl = response.url;
    if (lastmod !== undefined) entry.lastmod = lastmod;
    this.#state.setHttp(url, entry);
  }

  /** A sitemap read (downloaded or from the store) tells the `<lastmod>` of the pages it lists. */
  #learn(body: Buffer): void {
    for (const [loc, lastmod] of sitemapLastmods(body)) this.#lastmods.set(loc, lastmod);
  }
}

import type { SearchResult } from '../api/types.js';

/** One page of search results, with the cursor to the next. Iterating it walks every later page too. */
export class SearchPage implements AsyncIterable<SearchResult> {
  readonly results: SearchResult[];
  readonly nextCursor: string | undefined;
  /** Fingerprint of the index's model. */
  readonly model: string;
  readonly tookMs: number;
  readonly #fetchNext: (cursor: string) => Promise<SearchPage>;

  constructor(
    body: { results: SearchResult[]; nextCursor?: string; model: string; tookMs: number },
    fetchNext: (cursor: string) => Promise<SearchPage>,
  ) {
    this.results = body.results;
    this.nextCursor = body.nextCursor;
    this.model = body.model;
    this.tookMs = body.tookMs;
    this.#fetchNext = fetchNext;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== undefined;
  }

  /** The following page. @throws {Error} when there is none (check `hasNextPage()`). */
  getNextPage(): Promise<SearchPage> {
    if (this.nextCursor === undefined) return Promise.reject(new Error('No next page: check hasNextPage() first.'));
    return this.#fetchNext(this.nextCursor);
  }

  /** Every result of this page and all later pages, fetched lazily. */
  async *[Symbol.asyncIterator](): AsyncIterator<SearchResult> {
    let page: SearchPage | undefined = this;
    while (page) {
      yield* page.results;
      page = page.hasNextPage() ? await page.getNextPage() : undefined;
    }
  }
}

/**
 * What search methods return: `await` it for the first page, or `for await` over it for every result.
 * The request starts at once, like a promise.
 */
export class PagePromise implements PromiseLike<SearchPage>, AsyncIterable<SearchResult> {
  readonly #page: Promise<SearchPage>;

  constructor(page: Promise<SearchPage>) {
    this.#page = page;
    page.catch(() => undefined); // the caller handles it through then/iteration; avoid an unhandled rejection
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is deliberately thenable (`await client.search(…)`).
  then<A = SearchPage, B = never>(
    onFulfilled?: ((page: SearchPage) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected: (reason: unknown) => B | PromiseLike<B>): Promise<SearchPage | B> {
    return this.#page.catch(onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SearchResult> {
    yield* await this.#page;
  }
}

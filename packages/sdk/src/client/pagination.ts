import type { SearchResponse, SearchResult } from '../api/types.js';
import { type HttpRequest, type RequestOptions, send, type TransportConfig } from './transport.js';

/**
 * The request a page came from, kept by the page so it can ask for the next one itself (openai-node's
 * `AbstractPage` keeps its request options the same way): the same request again, plus the cursor.
 */
export interface PageRequest {
  config: TransportConfig;
  /** The first page's request; the cursor is added per page. */
  request: HttpRequest;
  options: RequestOptions | undefined;
  /** Where the server reads the cursor: in the JSON body (`POST /v1/search`) or the query string (the others). */
  cursorIn: 'body' | 'query';
}

/** Sends a page request (the first page without a cursor) and wraps the answer in a {@link SearchPage}. */
export async function requestPage(source: PageRequest, cursor?: string): Promise<SearchPage> {
  const { request } = source;
  const paged: HttpRequest =
    cursor === undefined
      ? request
      : source.cursorIn === 'body'
        ? { ...request, json: { ...(request.json as Record<string, unknown>), cursor } }
        : { ...request, query: { ...request.query, cursor } };
  const { data, requestId } = await send<SearchResponse>(source.config, paged, source.options);
  return new SearchPage(data, source, requestId);
}

/** One page of search results, with the cursor to the next. Iterating it walks every later page too. */
export class SearchPage implements AsyncIterable<SearchResult> {
  readonly results: SearchResult[];
  readonly nextCursor: string | undefined;
  /** Fingerprint of the index's model. */
  readonly model: string;
  readonly tookMs: number;
  /** The server's `x-request-id` for this page: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  readonly #source: PageRequest;

  /** Pages come from the client's search methods; this constructor is not part of the public API. */
  constructor(
    body: { results: SearchResult[]; nextCursor?: string; model: string; tookMs: number },
    source: PageRequest,
    requestId?: string,
  ) {
    this.results = body.results;
    this.nextCursor = body.nextCursor;
    this.model = body.model;
    this.tookMs = body.tookMs;
    this.requestId = requestId;
    this.#source = source;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== undefined;
  }

  /** The following page: this page's request again with its cursor. @throws {Error} when there is none (check `hasNextPage()`). */
  getNextPage(): Promise<SearchPage> {
    if (this.nextCursor === undefined) return Promise.reject(new Error('No next page: check hasNextPage() first.'));
    return requestPage(this.#source, this.nextCursor);
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

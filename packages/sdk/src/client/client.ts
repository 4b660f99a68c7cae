import type { InfoResponse, SearchFilters } from '../api/types.js';
import { encodeVector } from '../api/vector-codec.js';
import type { Embedder, EmbedderOptions, ImageInput } from '../embedder/types.js';
import { assertSameModel } from '../model/same-model.js';
import { SDK_VERSION } from '../version.js';
import { ClientUsageError } from './errors.js';
import { ItemsResource } from './items.js';
import { PagePromise, type PageRequest, requestPage, type SearchPage } from './pagination.js';
import {
  type HttpRequest,
  type HttpResponse,
  type RequestOptions,
  send,
  type TransportConfig,
  type WithRequestId,
  withRequestId,
} from './transport.js';
import { toUploadable } from './uploads.js';

// Kept importable from here, where it was first declared.
export { ClientUsageError } from './errors.js';
export { ItemsResource } from './items.js';

/** Client settings; every one has a default. An explicit `undefined` means the default. */
export interface ClientOptions {
  /** Server URL. Default: `FTF_BASE_URL` (Node) or `http://127.0.0.1:8787`. */
  baseURL?: string | undefined;
  /** Publishable key (search) or secret key (admin). Default: `FTF_API_KEY` (Node). */
  apiKey?: string | undefined;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeout?: number | undefined;
  /** Retries for idempotent calls. Default 2. */
  maxRetries?: number | undefined;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /**
   * How to load the local embedder for image/text search. Default: dynamic `import('@find-this-fit/sdk/embedder')`
   * (a separate chunk, only loaded when you search by image or text).
   */
  loadEmbedder?: ((options: EmbedderOptions) => Promise<Embedder>) | undefined;
  /** Options passed to the embedder (device, modelDir, wasmPaths, onProgress…). */
  embedder?: Omit<EmbedderOptions, 'preset' | 'dtype'> | undefined;
}

/** Options shared by the search methods. */
export interface SearchOptions {
  /** 1..100, default 20. */
  k?: number | undefined;
  filters?: SearchFilters | undefined;
  minScore?: number | undefined;
  collapseDuplicates?: boolean | undefined;
}

/** Search by a vector you computed (with the index's model), an image, or text. */
export type SearchParams = SearchOptions &
  (
    | { vector: ArrayLike<number>; model?: string | undefined; image?: never; text?: never }
    | { image: ImageInput; vector?: never; text?: never; server?: boolean | undefined }
    | { text: string; vector?: never; image?: never }
  );

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

/**
 * The Find This Fit API client. Works unchanged in Node 20+, browsers, Deno and Bun: it never touches the file
 * system (uploads are bytes, see `uploads.ts`) and loads the embedder only when it searches by image or text.
 *
 * @example
 * const client = new FindThisFit({ baseURL: 'http://127.0.0.1:8787', apiKey: 'pk_…' });
 * for await (const item of client.search({ image: file })) console.log(item.title, item.score);
 */
export class FindThisFit {
  readonly #config: TransportConfig;
  readonly #loadEmbedder: (options: EmbedderOptions) => Promise<Embedder>;
  readonly #embedderOptions: ClientOptions['embedder'];
  #info: Promise<WithRequestId<InfoResponse>> | undefined;
  #embedder: Promise<Embedder> | undefined;

  /** Listings: read, and (with a secret key) write. */
  readonly items: ItemsResource;

  constructor(options: ClientOptions = {}) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new ClientUsageError('No fetch available: pass `fetch` in the options.');
    this.#config = {
      baseURL: options.baseURL ?? env('FTF_BASE_URL') ?? 'http://127.0.0.1:8787',
      apiKey: options.apiKey ?? env('FTF_API_KEY'),
      timeout: options.timeout ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: fetchImpl.bind(globalThis),
      headers: { 'x-ftf-client': `sdk-js/${SDK_VERSION}`, ...options.headers },
    };
    this.#loadEmbedder =
      options.loadEmbedder ??
      (async (embedderOptions) => {
        const module = await import('@find-this-fit/sdk/embedder');
        return module.createEmbedder(embedderOptions);
      });
    this.#embedderOptions = options.embedder;
    this.items = new ItemsResource(this);
  }

  /**
   * Sends one request with this client's base URL, key, timeout and retries; resources (`client.items`) send
   * through it. Returns the parsed body with the response and its `x-request-id`.
   */
  request<T>(request: HttpRequest, options?: RequestOptions): Promise<HttpResponse<T>> {
    return send<T>(this.#config, request, options);
  }

  /** Server, model, counts and limits. The model answer is cached for the client's lifetime. */
  info(options?: RequestOptions): Promise<WithRequestId<InfoResponse>> {
    const request = this.request<InfoResponse>({ method: 'GET', path: '/v1/info', idempotent: true }, options).then(
      (r) => withRequestId(r.data, r.requestId),
    );
    this.#info ??= request;
    request.catch(() => {
      if (this.#info === request) this.#info = undefined;
    });
    return request;
  }

  #cachedInfo(options?: RequestOptions): Promise<InfoResponse> {
    return this.#info ?? this.info(options);
  }

  /** Nearest listings to a vector, an image or a text. `await` for a page, `for await` for every result. */
  search(params: SearchParams, options?: RequestOptions): PagePromise {
    if ('image' in params && params.image !== undefined) return this.searchByImage(params.image, params, options);
    if ('text' in params && params.text !== undefined) return this.searchByText(params.text, params, options);
    if (!('vector' in params) || params.vector === undefined) {
      return new PagePromise(Promise.reject(new ClientUsageError('search needs one of `vector`, `image` or `text`.')));
    }
    const { vector } = params;
    return new PagePromise(
      (async () => {
        const model = params.model ?? (await this.#cachedInfo(options)).model.fingerprint;
        return this.#vectorPage({ ...pick(params), model, vector: encodeVector(vector) }, options);
      })(),
    );
  }

  /**
   * Embeds the photo locally with the model the server announces (fingerprint checked), then searches.
   * Falls back to server-side embedding (`/v1/search/image`) when `server: true` is asked for or the model
   * cannot load here. The server-side path uploads encoded bytes (a Blob/File, bytes, or an http/data/blob URL).
   */
  searchByImage(
    image: ImageInput,
    params: SearchOptions & { server?: boolean | undefined } = {},
    options?: RequestOptions,
  ): PagePromise {
    return new PagePromise(
      (async () => {
        const info = await this.#cachedInfo(options);
        if (!params.server) {
          const embedder = await this.#matchingEmbedder(info).catch((error: unknown) => {
            if (!info.imageSearch) throw error;
            return undefined; // fall back to the server's embedder
          });
          if (embedder) {
            const vector = await embedder.embedImage(image);
            return this.#vectorPage(
              { ...pick(params), model: embedder.queryFingerprint, vector: encodeVector(vector) },
              options,
            );
          }
        }
        return this.#imagePage(image, params, options);
      })(),
    );
  }

  /** Embeds the text with the model's text encoder, locally, then searches. */
  searchByText(text: string, params: SearchOptions = {}, options?: RequestOptions): PagePromise {
    return new PagePromise(
      (async () => {
        const info = await this.#cachedInfo(options);
        const embedder = await this.#matchingEmbedder(info);
        const vector = await embedder.embedText(text);
        return this.#vectorPage(
          { ...pick(params), model: embedder.queryFingerprint, vector: encodeVector(vector) },
          options,
        );
      })(),
    );
  }

  /** "More like this": listings near a stored listing, excluding it. No inference needed. */
  similar(
    itemId: string,
    params: Pick<SearchOptions, 'k' | 'collapseDuplicates'> = {},
    options?: RequestOptions,
  ): PagePromise {
    const query = { k: params.k, collapseDuplicates: params.collapseDuplicates };
    const path = `/v1/items/${encodeURIComponent(itemId)}/similar`;
    return new PagePromise(this.#firstPage({ method: 'GET', path, query, idempotent: true }, 'query', options));
  }

  #matchingEmbedder(info: InfoResponse): Promise<Embedder> {
    this.#embedder ??= (async () => {
      // The index model in the index dtype; on WebGPU the embedder may run a query dtype the server admits.
      const accepted = info.model.queryDtypes ?? [{ dtype: info.model.dtype, fingerprint: info.model.fingerprint }];
      const embedder = await this.#loadEmbedder({
        ...this.#embedderOptions,
        preset: info.model.preset,
        dtype: info.model.dtype as EmbedderOptions['dtype'] & string,
        allowedDtypes: accepted.map((q) => q.dtype) as EmbedderOptions['allowedDtypes'] & string[],
      });
      try {
        assertSameModel(embedder, info.model);
      } catch (error) {
        await embedder.dispose();
        throw error;
      }
      return embedder;
    })();
    this.#embedder.catch(() => {
      this.#embedder = undefined;
    });
    return this.#embedder;
  }

  /** The first page of a paged request; the page keeps the request and asks for the next one itself. */
  #firstPage(request: HttpRequest, cursorIn: PageRequest['cursorIn'], options?: RequestOptions): Promise<SearchPage> {
    return requestPage({ config: this.#config, request, options, cursorIn });
  }

  #vectorPage(body: Record<string, unknown>, options?: RequestOptions): Promise<SearchPage> {
    return this.#firstPage({ method: 'POST', path: '/v1/search', json: body, idempotent: true }, 'body', options);
  }

  async #imagePage(image: ImageInput, params: SearchOptions, options?: RequestOptions): Promise<SearchPage> {
    const raw = await toUploadable(image);
    const query = {
      k: params.k,
      minScore: params.minScore,
      collapseDuplicates: params.collapseDuplicates,
      filters: params.filters ? JSON.stringify(params.filters) : undefined,
    };
    // The photo travels again with each page: the server keeps nothing, and embedding is deterministic.
    return this.#firstPage(
      { method: 'POST', path: '/v1/search/image', query, raw, idempotent: true },
      'query',
      options,
    );
  }

  /** Releases the local embedder, if one was loaded. */
  async dispose(): Promise<void> {
    const embedder = this.#embedder;
    this.#embedder = undefined;
    await (await embedder?.catch(() => undefined))?.dispose();
  }
}

function pick(params: SearchOptions): SearchOptions {
  const out: SearchOptions = {};
  if (params.k !== undefined) out.k = params.k;
  if (params.filters !== undefined) out.filters = params.filters;
  if (params.minScore !== undefined) out.minScore = params.minScore;
  if (params.collapseDuplicates !== undefined) out.collapseDuplicates = params.collapseDuplicates;
  return out;
}

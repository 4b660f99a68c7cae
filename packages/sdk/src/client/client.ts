import type {
  InfoResponse,
  Listing,
  ListingStatus,
  ListingUpsert,
  SearchFilters,
  SearchResponse,
  UpsertResponse,
} from '../api/types.js';
import { encodeVector } from '../api/vector-codec.js';
import type { Embedder, EmbedderOptions, ImageInput } from '../embedder/types.js';
import { FindThisFitError } from '../errors.js';
import { PagePromise, SearchPage } from './pages.js';
import { type HttpRequest, type RequestOptions, send, type TransportConfig } from './transport.js';

/** Client settings; every one has a default. */
export interface ClientOptions {
  /** Server URL. Default: `FTF_BASE_URL` (Node) or `http://127.0.0.1:8787`. */
  baseURL?: string;
  /** Publishable key (search) or secret key (admin). Default: `FTF_API_KEY` (Node). */
  apiKey?: string;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeout?: number;
  /** Retries for idempotent calls. Default 2. */
  maxRetries?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * How to load the local embedder for image/text search. Default: dynamic `import('@find-this-fit/sdk/embedder')`
   * (a separate chunk, only loaded when you search by image or text).
   */
  loadEmbedder?: (options: EmbedderOptions) => Promise<Embedder>;
  /** Options passed to the embedder (device, modelDir, wasmPaths, onProgress…). */
  embedder?: Omit<EmbedderOptions, 'preset' | 'dtype'>;
}

/** Options shared by the search methods. */
export interface SearchOptions {
  /** 1..100, default 20. */
  k?: number;
  filters?: SearchFilters;
  minScore?: number;
  collapseDuplicates?: boolean;
}

/** Search by a vector you computed (with the index's model), an image, or text. */
export type SearchParams = SearchOptions &
  (
    | { vector: ArrayLike<number>; model?: string; image?: never; text?: never }
    | { image: ImageInput; vector?: never; text?: never; server?: boolean }
    | { text: string; vector?: never; image?: never }
  );

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

/** The client could not do what was asked before any request (e.g. no way to embed locally). */
export class ClientUsageError extends FindThisFitError {
  override name = 'ClientUsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('client_usage', message, options);
  }
}

/**
 * The Find This Fit API client. Works unchanged in Node 18+, browsers, Deno and Bun.
 *
 * @example
 * const client = new FindThisFit({ baseURL: 'http://127.0.0.1:8787', apiKey: 'pk_…' });
 * for await (const item of client.search({ image: file })) console.log(item.title, item.score);
 */
export class FindThisFit {
  readonly #config: TransportConfig;
  readonly #loadEmbedder: (options: EmbedderOptions) => Promise<Embedder>;
  readonly #embedderOptions: ClientOptions['embedder'];
  #info: Promise<InfoResponse> | undefined;
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
      headers: { 'x-ftf-client': 'sdk-js/0.1.0', ...options.headers },
    };
    this.#loadEmbedder =
      options.loadEmbedder ??
      (async (embedderOptions) => {
        const module = await import('@find-this-fit/sdk/embedder');
        return module.createEmbedder(embedderOptions);
      });
    this.#embedderOptions = options.embedder;
    this.items = new ItemsResource(this.#config, (id, o) => this.similar(id, o));
  }

  /** Server, model, counts and limits. The model answer is cached for the client's lifetime. */
  info(options?: RequestOptions): Promise<InfoResponse> {
    const request = send<InfoResponse>(
      this.#config,
      { method: 'GET', path: '/v1/info', idempotent: true },
      options,
    ).then((r) => r.data);
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
   * cannot load here.
   */
  searchByImage(
    image: ImageInput,
    params: SearchOptions & { server?: boolean } = {},
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
    const fetchPage = async (cursor?: string): Promise<SearchPage> => {
      const query = { k: params.k, collapseDuplicates: params.collapseDuplicates, cursor };
      const path = `/v1/items/${encodeURIComponent(itemId)}/similar`;
      const { data } = await send<SearchResponse>(
        this.#config,
        { method: 'GET', path, query, idempotent: true },
        options,
      );
      return new SearchPage(data, fetchPage);
    };
    return new PagePromise(fetchPage());
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
      const mismatch =
        embedder.fingerprint !== info.model.fingerprint
          ? `The local model (${embedder.fingerprint}) is not the server's (${info.model.fingerprint})`
          : !accepted.some((q) => q.fingerprint === embedder.queryFingerprint)
            ? `The server does not accept query vectors in this model's ${embedder.dtype} (${embedder.queryFingerprint})`
            : undefined;
      if (mismatch) {
        await embedder.dispose();
        throw new ClientUsageError(`${mismatch}; refusing to send vectors that would not compare.`);
      }
      return embedder;
    })();
    this.#embedder.catch(() => {
      this.#embedder = undefined;
    });
    return this.#embedder;
  }

  async #vectorPage(body: Record<string, unknown>, options?: RequestOptions): Promise<SearchPage> {
    const fetchPage = async (cursor?: string): Promise<SearchPage> => {
      const request: HttpRequest = {
        method: 'POST',
        path: '/v1/search',
        json: cursor ? { ...body, cursor } : body,
        idempotent: true,
      };
      const { data } = await send<SearchResponse>(this.#config, request, options);
      return new SearchPage(data, fetchPage);
    };
    return fetchPage();
  }

  async #imagePage(image: ImageInput, params: SearchOptions, options?: RequestOptions): Promise<SearchPage> {
    const raw = await toUploadable(image);
    // The photo travels again with each page: the server keeps nothing, and embedding is deterministic.
    const fetchPage = async (cursor?: string): Promise<SearchPage> => {
      const query = {
        k: params.k,
        minScore: params.minScore,
        collapseDuplicates: params.collapseDuplicates,
        filters: params.filters ? JSON.stringify(params.filters) : undefined,
        cursor,
      };
      const request: HttpRequest = { method: 'POST', path: '/v1/search/image', query, raw, idempotent: true };
      const { data } = await send<SearchResponse>(this.#config, request, options);
      return new SearchPage(data, fetchPage);
    };
    return fetchPage();
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

/** Encoded image bytes with their media type, from what a caller has. */
async function toUploadable(image: ImageInput): Promise<{ body: Blob | Uint8Array; contentType: string }> {
  if (typeof Blob !== 'undefined' && image instanceof Blob)
    return { body: image, contentType: image.type || 'application/octet-stream' };
  if (image instanceof ArrayBuffer || ArrayBuffer.isView(image)) {
    const bytes = ArrayBuffer.isView(image)
      ? new Uint8Array(image.buffer, image.byteOffset, image.byteLength)
      : new Uint8Array(image);
    return { body: bytes, contentType: sniffImageType(bytes) };
  }
  if (typeof image === 'string' || image instanceof URL) {
    const href = String(image);
    if (/^(https?|data|blob):/i.test(href)) {
      const blob = await (await fetch(href)).blob();
      return { body: blob, contentType: blob.type || 'application/octet-stream' };
    }
    // A computed specifier, so browser bundlers don't try to resolve a Node built-in this branch never runs in.
    const fsModule = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(href));
    return { body: bytes, contentType: sniffImageType(bytes) };
  }
  throw new ClientUsageError('Server-side image search needs encoded bytes: a Blob/File, a Buffer, a path or a URL.');
}

function sniffImageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  if (bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp';
  return 'application/octet-stream';
}

/** Listings: read (any key) and write (secret key). */
export class ItemsResource {
  readonly #config: TransportConfig;
  readonly #similar: (id: string, params?: Pick<SearchOptions, 'k' | 'collapseDuplicates'>) => PagePromise;

  constructor(config: TransportConfig, similar: ItemsResource['similar']) {
    this.#config = config;
    this.#similar = similar;
  }

  /** One listing by id. @throws {NotFoundError} for an unknown id. */
  async get(id: string, options?: RequestOptions): Promise<Listing> {
    const path = `/v1/items/${encodeURIComponent(id)}`;
    return (await send<Listing>(this.#config, { method: 'GET', path, idempotent: true }, options)).data;
  }

  /** Same as `client.similar(id)`. */
  similar(id: string, params?: Pick<SearchOptions, 'k' | 'collapseDuplicates'>): PagePromise {
    return this.#similar(id, params);
  }

  /**
   * Inserts or updates listings by `(source, externalId)`, in chunks of `batchSize` (default 500, the
   * server's default limit). Vectors travel as float16. Idempotent, so chunks are retried on failure.
   * Returns the summed counts and the ids in input order.
   */
  async upsert(
    items: ReadonlyArray<Omit<ListingUpsert, 'vector'> & { vector: ArrayLike<number> }>,
    params: { model: string; batchSize?: number },
    options?: RequestOptions,
  ): Promise<UpsertResponse> {
    const batchSize = params.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ClientUsageError('batchSize must be a positive integer.');
    const total: UpsertResponse = { inserted: 0, updated: 0, ids: [] };
    for (let start = 0; start < items.length; start += batchSize) {
      const chunk = items
        .slice(start, start + batchSize)
        .map((item) => ({ ...item, vector: encodeVector(item.vector) }));
      const request: HttpRequest = {
        method: 'PUT',
        path: '/v1/items',
        json: { model: params.model, items: chunk },
        idempotent: true,
      };
      const { data } = await send<UpsertResponse>(this.#config, request, options);
      total.inserted += data.inserted;
      total.updated += data.updated;
      total.ids.push(...data.ids);
    }
    return total;
  }

  /** Deletes a listing. @throws {NotFoundError} for an unknown id. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await send(
      this.#config,
      { method: 'DELETE', path: `/v1/items/${encodeURIComponent(id)}`, idempotent: true },
      options,
    );
  }

  /** Marks a listing sold/removed (excluded from search) or active again. */
  async setStatus(id: string, status: ListingStatus, options?: RequestOptions): Promise<Listing> {
    const request: HttpRequest = {
      method: 'POST',
      path: `/v1/items/${encodeURIComponent(id)}/status`,
      json: { status },
      idempotent: true,
    };
    return (await send<Listing>(this.#config, request, options)).data;
  }
}

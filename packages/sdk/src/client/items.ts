import type { Listing, ListingStatus, ListingUpsert, UpsertResponse } from '../api/types.js';
import { encodeVector } from '../api/vector-codec.js';
import type { FindThisFit, SearchOptions } from './client.js';
import { ClientUsageError } from './errors.js';
import type { PagePromise } from './pagination.js';
import { type HttpRequest, type RequestOptions, type WithRequestId, withRequestId } from './transport.js';

/** A listing to insert or update; the vector in any numeric array (sent as float16). */
export type ItemUpsert = Omit<ListingUpsert, 'vector'> & { vector: ArrayLike<number> };

/**
 * Listings: read (any key) and write (secret key). A resource in openai-node's sense: it holds the client
 * and sends through it, so it shares the client's settings, retries and errors.
 */
export class ItemsResource {
  readonly #client: FindThisFit;

  constructor(client: FindThisFit) {
    this.#client = client;
  }

  /** One listing by id. @throws {NotFoundError} for an unknown id. */
  async get(id: string, options?: RequestOptions): Promise<WithRequestId<Listing>> {
    const path = `/v1/items/${encodeURIComponent(id)}`;
    const { data, requestId } = await this.#client.request<Listing>({ method: 'GET', path, idempotent: true }, options);
    return withRequestId(data, requestId);
  }

  /** Same as `client.similar(id)`. */
  similar(id: string, params?: Pick<SearchOptions, 'k' | 'collapseDuplicates'>, options?: RequestOptions): PagePromise {
    return this.#client.similar(id, params, options);
  }

  /**
   * Inserts or updates listings by `(source, externalId)`, in chunks of `batchSize` (default 500, the
   * server's default limit). Vectors travel as float16. Idempotent, so chunks are retried on failure.
   * Returns the summed counts and the ids in input order; `requestId` is the last chunk's.
   */
  async upsert(
    items: ReadonlyArray<ItemUpsert>,
    params: { model: string; batchSize?: number | undefined },
    options?: RequestOptions,
  ): Promise<WithRequestId<UpsertResponse>> {
    const batchSize = params.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ClientUsageError('batchSize must be a positive integer.');
    const total: UpsertResponse = { inserted: 0, updated: 0, ids: [] };
    let lastRequestId: string | undefined;
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
      const { data, requestId } = await this.#client.request<UpsertResponse>(request, options);
      total.inserted += data.inserted;
      total.updated += data.updated;
      total.ids.push(...data.ids);
      lastRequestId = requestId;
    }
    return withRequestId(total, lastRequestId);
  }

  /** Deletes a listing. @throws {NotFoundError} for an unknown id. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    const path = `/v1/items/${encodeURIComponent(id)}`;
    await this.#client.request({ method: 'DELETE', path, idempotent: true }, options);
  }

  /** Marks a listing sold/removed (excluded from search) or active again. */
  async setStatus(id: string, status: ListingStatus, options?: RequestOptions): Promise<WithRequestId<Listing>> {
    const request: HttpRequest = {
      method: 'POST',
      path: `/v1/items/${encodeURIComponent(id)}/status`,
      json: { status },
      idempotent: true,
    };
    const { data, requestId } = await this.#client.request<Listing>(request, options);
    return withRequestId(data, requestId);
  }
}

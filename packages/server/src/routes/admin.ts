import { itemKey } from '@find-this-fit/sdk';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError } from '../errors.js';
import { readJson } from '../http/read-body.js';
import type { Route } from '../http/route.js';
import { responseSchemas } from '../schemas.js';
import type { NormalizedUpsert } from '../store/types.js';
import { parseWith } from '../validate.js';
import { assertSameModel, toUnitVector } from '../vectors.js';
import { LISTING_ID_PARAM, parseId, type RouteDeps } from './context.js';

/** Writes: `admin` access, so a secret key only (the spec's security for these comes from that too). */
export function adminRoutes(deps: RouteDeps): Route[] {
  const { config, schemas, store } = deps;

  return [
    {
      method: 'put',
      path: '/v1/items',
      access: 'admin',
      summary: 'Bulk upsert by (source, externalId) (secret key)',
      body: { json: schemas.upsertRequest },
      responses: { 200: { description: 'Ids in the order of items', json: responseSchemas.upsertResponse } },
      errors: [400, 401, 403, 409, 413, 415, 429, 503],
      handler: async (ctx) => {
        const raw = await readJson(ctx, config.limits.maxAdminBodyBytes);
        const items = (raw as { items?: unknown } | null)?.items;
        // Too many items is a size problem, not a shape problem: say so before validating each one.
        if (Array.isArray(items) && items.length > config.limits.maxBatch) {
          throw new PayloadTooLargeError(`items: at most ${config.limits.maxBatch} per request, got ${items.length}.`);
        }
        const body = parseWith(schemas.upsertRequest, raw);
        assertSameModel(body.model, config.model, 'Item vectors');
        const seen = new Map<string, number>();
        const normalized: NormalizedUpsert[] = body.items.map((item, index) => {
          const key = itemKey(item.source, item.externalId);
          const first = seen.get(key);
          if (first !== undefined) {
            throw InvalidRequestError.field(`items[${index}].externalId`, `duplicates items[${first}] (same source)`);
          }
          seen.set(key, index);
          return { ...item, vector: toUnitVector(item.vector, config.model.preset.dim, `items[${index}].vector`) };
        });
        ctx.body = await store.upsert(normalized);
      },
    },
    {
      method: 'delete',
      path: '/v1/items/:id',
      access: 'admin',
      summary: 'Delete a listing (secret key)',
      params: { id: LISTING_ID_PARAM },
      responses: { 204: { description: 'Deleted' } },
      errors: [401, 403, 404, 429],
      handler: async (ctx) => {
        const id = parseId(ctx.params.id);
        if (!(await store.delete(id))) throw new NotFoundError(`No listing with id ${id}.`);
        ctx.status = 204;
      },
    },
    {
      method: 'post',
      path: '/v1/items/:id/status',
      access: 'admin',
      summary: 'Mark a listing active, sold or removed (secret key)',
      params: { id: LISTING_ID_PARAM },
      body: { json: schemas.statusRequest },
      responses: { 200: { description: 'The updated listing', json: responseSchemas.listing } },
      errors: [400, 401, 403, 404, 415, 429],
      handler: async (ctx) => {
        const id = parseId(ctx.params.id);
        const body = parseWith(schemas.statusRequest, await readJson(ctx, config.limits.maxBodyBytes));
        const listing = await store.setStatus(id, body.status);
        if (!listing) throw new NotFoundError(`No listing with id ${id}.`);
        ctx.body = listing;
      },
    },
  ];
}

import { NotFoundError } from '../errors.js';
import type { Route } from '../http/route.js';
import { responseSchemas } from '../schemas.js';
import { parseWith } from '../validate.js';
import { LISTING_ID_PARAM, parseId, type RouteDeps } from './context.js';
import { DEFAULT_K, searchPage } from './search.js';

export function itemRoutes(deps: RouteDeps): Route[] {
  const { schemas, store } = deps;

  return [
    {
      method: 'get',
      path: '/v1/items/:id',
      access: 'read',
      summary: 'One listing',
      params: { id: LISTING_ID_PARAM },
      responses: { 200: { description: 'The listing', json: responseSchemas.listing } },
      errors: [401, 403, 404, 429],
      handler: async (ctx) => {
        const id = parseId(ctx.params.id);
        const listing = await store.get(id);
        if (!listing) throw new NotFoundError(`No listing with id ${id}.`);
        ctx.body = listing;
      },
    },
    // "More like this": the stored vector is the query, so no model runs and no fingerprint is needed.
    {
      method: 'get',
      path: '/v1/items/:id/similar',
      access: 'read',
      summary: 'More like this: listings nearest to a stored listing',
      params: { id: LISTING_ID_PARAM },
      query: schemas.similarQuery,
      responses: { 200: { description: 'One page of results', json: responseSchemas.searchResponse } },
      errors: [400, 401, 403, 404, 429],
      handler: async (ctx) => {
        const id = parseId(ctx.params.id);
        const query = parseWith(schemas.similarQuery, ctx.query);
        const vector = await store.getVector(id);
        if (!vector) throw new NotFoundError(`No listing with id ${id}.`);
        ctx.body = await searchPage(deps, 'similar', {
          vector,
          k: query.k ?? DEFAULT_K,
          filters: {},
          collapseDuplicates: query.collapseDuplicates === 'true',
          excludeIds: [id],
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        });
      },
    },
  ];
}

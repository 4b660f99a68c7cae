import type Router from '@koa/router';
import { NotFoundError } from '../errors.js';
import { requireAccess } from '../http/auth.js';
import { parseWith } from '../validate.js';
import { parseId, type RouteDeps } from './context.js';
import { DEFAULT_K, searchPage } from './search.js';

export function itemRoutes(router: Router, deps: RouteDeps): void {
  const { config, schemas, store } = deps;
  const read = requireAccess(config, 'read');

  router.get('/v1/items/:id', read, async (ctx) => {
    const id = parseId(ctx.params.id);
    const listing = await store.get(id);
    if (!listing) throw new NotFoundError(`No listing with id ${id}.`);
    ctx.body = listing;
  });

  // "More like this": the stored vector is the query, so no model runs and no fingerprint is needed.
  router.get('/v1/items/:id/similar', read, async (ctx) => {
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
  });
}

import { itemKey } from '@find-this-fit/sdk';
import type Router from '@koa/router';
import { InvalidRequestError, NotFoundError, PayloadTooLargeError } from '../errors.js';
import { requireAccess } from '../http/auth.js';
import { readJson } from '../http/read-body.js';
import type { NormalizedUpsert } from '../store/types.js';
import { parseWith } from '../validate.js';
import { assertSameModel, toUnitVector } from '../vectors.js';
import { parseId, type RouteDeps } from './context.js';

export function adminRoutes(router: Router, deps: RouteDeps): void {
  const { config, schemas, store } = deps;
  const admin = requireAccess(config, 'admin');

  router.put('/v1/items', admin, async (ctx) => {
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
  });

  router.delete('/v1/items/:id', admin, async (ctx) => {
    const id = parseId(ctx.params.id);
    if (!(await store.delete(id))) throw new NotFoundError(`No listing with id ${id}.`);
    ctx.status = 204;
  });

  router.post('/v1/items/:id/status', admin, async (ctx) => {
    const id = parseId(ctx.params.id);
    const body = parseWith(schemas.statusRequest, await readJson(ctx, config.limits.maxBodyBytes));
    const listing = await store.setStatus(id, body.status);
    if (!listing) throw new NotFoundError(`No listing with id ${id}.`);
    ctx.body = listing;
  });
}

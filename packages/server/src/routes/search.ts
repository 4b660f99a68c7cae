import type { SearchResponse } from '@find-this-fit/sdk';
import type Router from '@koa/router';
import { InvalidRequestError } from '../errors.js';
import { requireAccess } from '../http/auth.js';
import { readImage, readJson } from '../http/read-body.js';
import { assertImageWithinPixels, decodeBounded } from '../image-check.js';
import { assertAcceptedImage } from '../image-format.js';
import { filtersSchema } from '../schemas.js';
import { type PagedSearch, runSearch } from '../search/run-search.js';
import { parseWith } from '../validate.js';
import { assertQueryModel, toUnitVector } from '../vectors.js';
import type { RouteDeps } from './context.js';

export const DEFAULT_K = 20;

function parseJsonParam(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw InvalidRequestError.field(name, 'is not valid JSON');
  }
}

/** Runs one page and records the search metrics under `endpoint`. */
export async function searchPage(deps: RouteDeps, endpoint: string, query: PagedSearch): Promise<SearchResponse> {
  const started = performance.now();
  const page = await runSearch(deps.store, query);
  deps.metrics.searchDuration.observe({ endpoint }, page.storeSeconds);
  deps.metrics.searchResults.observe({ endpoint }, page.results.length);
  const response: SearchResponse = {
    results: page.results,
    model: deps.config.model.fingerprint,
    tookMs: Math.round((performance.now() - started) * 100) / 100,
  };
  if (page.nextCursor) response.nextCursor = page.nextCursor;
  return response;
}

export function searchRoutes(router: Router, deps: RouteDeps): void {
  const { config, schemas } = deps;
  const read = requireAccess(config, 'read');

  router.post('/v1/search', read, async (ctx) => {
    const body = parseWith(schemas.searchRequest, await readJson(ctx, config.limits.maxBodyBytes));
    assertQueryModel(body.model, config.model);
    const vector = toUnitVector(body.vector, config.model.preset.dim);
    ctx.body = await searchPage(deps, 'vector', {
      vector,
      k: body.k ?? DEFAULT_K,
      filters: body.filters ?? {},
      collapseDuplicates: body.collapseDuplicates ?? false,
      ...(body.minScore !== undefined ? { minScore: body.minScore } : {}),
      ...(body.cursor !== undefined ? { cursor: body.cursor } : {}),
    });
  });

  // For clients that cannot run the model: the server embeds with the index's own preset. Options ride in
  // the query string; embedding is deterministic, so the same image + cursor gives the next page.
  router.post('/v1/search/image', read, async (ctx) => {
    const query = parseWith(schemas.imageSearchQuery, ctx.query);
    const filters =
      query.filters === undefined ? {} : parseWith(filtersSchema, parseJsonParam('filters', query.filters));
    const image = await readImage(ctx, config.limits.maxImageBytes);
    // Cheap checks first (magic bytes, then the header's size); decoding and embedding wait for a slot.
    assertAcceptedImage(image);
    await assertImageWithinPixels(image, config.limits.maxImagePixels);
    const { maxImagePixels, imageTimeoutSeconds } = config.limits;
    const vector = await deps.imageWork.run(async () =>
      deps.embedder.embed(await decodeBounded(image, maxImagePixels, imageTimeoutSeconds)),
    );
    ctx.body = await searchPage(deps, 'image', {
      vector,
      k: query.k ?? DEFAULT_K,
      filters,
      collapseDuplicates: query.collapseDuplicates === 'true',
      ...(query.minScore !== undefined ? { minScore: query.minScore } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
  });
}

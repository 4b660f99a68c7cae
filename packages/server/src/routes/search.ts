import type { SearchResponse } from '@find-this-fit/sdk';
import { InvalidRequestError } from '../errors.js';
import { IMAGE_TYPES, readImage, readJson } from '../http/read-body.js';
import type { Route } from '../http/route.js';
import { assertImageWithinPixels, decodeBounded } from '../image-check.js';
import { assertAcceptedImage } from '../image-format.js';
import { filtersSchema, responseSchemas } from '../schemas.js';
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

export function searchRoutes(deps: RouteDeps): Route[] {
  const { config, schemas } = deps;
  const binary = { schema: { type: 'string', format: 'binary' } };

  return [
    {
      method: 'post',
      path: '/v1/search',
      access: 'read',
      summary: 'Nearest listings to a query vector',
      description: `1..${config.limits.maxK}, default ${DEFAULT_K}`,
      body: { json: schemas.searchRequest },
      responses: { 200: { description: 'One page of results, best first', json: responseSchemas.searchResponse } },
      errors: [400, 401, 403, 409, 413, 415, 429, 503],
      handler: async (ctx) => {
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
      },
    },
    // For clients that cannot run the model: the server embeds with the index's own preset. Options ride in
    // the query string; embedding is deterministic, so the same image + cursor gives the next page.
    {
      method: 'post',
      path: '/v1/search/image',
      access: 'read',
      summary: 'Search with an image; the server embeds it with the index model',
      query: schemas.imageSearchQuery,
      body: {
        content: {
          ...Object.fromEntries(IMAGE_TYPES.map((type) => [type, binary])),
          'multipart/form-data': {
            schema: { type: 'object', required: ['image'], properties: { image: binary.schema } },
          },
        },
      },
      responses: { 200: { description: 'One page of results', json: responseSchemas.searchResponse } },
      errors: [400, 401, 403, 413, 415, 429, 503],
      handler: async (ctx) => {
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
      },
    },
  ];
}

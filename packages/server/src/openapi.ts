import { z } from 'zod';
import type { Config } from './config.js';
import { IMAGE_TYPES } from './http/read-body.js';
import { filtersSchema, responseSchemas, type Schemas } from './schemas.js';
import { SERVER_VERSION } from './version.js';

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Json) => ({ content: { 'application/json': { schema } } });

/** The error statuses each operation can answer, all with the same body. */
function errors(...statuses: number[]): Record<string, Json> {
  const text: Record<number, string> = {
    400: 'Invalid input (details.fields names each field)',
    401: 'Missing or unknown API key',
    403: 'Wrong key kind, origin not allowed, or admin disabled',
    404: 'Not found',
    409: 'Model mismatch: the vectors come from another model',
    413: 'Body, image or batch too large',
    415: 'Unsupported media type',
    429: 'Rate limited (see Retry-After)',
    503: 'Store or model unavailable',
  };
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: text[s] ?? 'Error', ...json(ref('ErrorBody')) }]),
  );
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } };
const READ = [{ bearer: [] }, { apiKey: [] }];

/** Query-string schemas → OpenAPI parameters, one per property. */
function queryParams(schema: Json): Json[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

/**
 * OpenAPI 3.1 generated from the same zod schemas that validate requests (JSON Schema 2020-12 is 3.1's
 * own dialect, so the converted schemas drop in unchanged).
 */
export function buildOpenApi(config: Config, schemas: Schemas): Json {
  const registry = z.registry<{ id: string }>();
  registry.add(schemas.searchRequest, { id: 'SearchRequest' });
  registry.add(filtersSchema, { id: 'SearchFilters' });
  registry.add(schemas.listingUpsert, { id: 'ListingUpsert' });
  registry.add(schemas.upsertRequest, { id: 'UpsertRequest' });
  registry.add(schemas.statusRequest, { id: 'StatusRequest' });
  registry.add(responseSchemas.listing, { id: 'Listing' });
  registry.add(responseSchemas.searchResponse, { id: 'SearchResponse' });
  registry.add(responseSchemas.infoResponse, { id: 'InfoResponse' });
  registry.add(responseSchemas.upsertResponse, { id: 'UpsertResponse' });
  registry.add(responseSchemas.errorBody, { id: 'ErrorBody' });
  const { schemas: components } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  for (const schema of Object.values(components)) {
    delete (schema as Json).$schema;
    delete (schema as Json).$id;
  }
  const toJson = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;

  const searchParams = { k: `1..${config.limits.maxK}, default 20` };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Find This Fit search API',
      version: SERVER_VERSION,
      description: `Vector search over second-hand listings. Model: ${config.model.preset.name} (${config.model.fingerprint}). Errors: { error: { code, message, details? } }; every response has x-request-id.`,
    },
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Publishable (search/read) or secret (admin) key' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    paths: {
      '/v1/info': {
        get: {
          summary: 'Model, index, counts and limits',
          security: READ,
          responses: { '200': { description: 'Server info', ...json(ref('InfoResponse')) }, ...errors(401, 403, 429) },
        },
      },
      '/v1/search': {
        post: {
          summary: 'Nearest listings to a query vector',
          description: searchParams.k,
          security: READ,
          requestBody: { required: true, ...json(ref('SearchRequest')) },
          responses: {
            '200': { description: 'One page of results, best first', ...json(ref('SearchResponse')) },
            ...errors(400, 401, 403, 409, 413, 415, 429, 503),
          },
        },
      },
      '/v1/search/image': {
        post: {
          summary: 'Search with an image; the server embeds it with the index model',
          security: READ,
          parameters: queryParams(toJson(schemas.imageSearchQuery)),
          requestBody: {
            required: true,
            content: {
              ...Object.fromEntries(IMAGE_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['image'],
                  properties: { image: { type: 'string', format: 'binary' } },
                },
              },
            },
          },
          responses: {
            '200': { description: 'One page of results', ...json(ref('SearchResponse')) },
            ...errors(400, 401, 403, 413, 415, 429, 503),
          },
        },
      },
      '/v1/items': {
        put: {
          summary: 'Bulk upsert by (source, externalId) (secret key)',
          security: READ,
          requestBody: { required: true, ...json(ref('UpsertRequest')) },
          responses: {
            '200': { description: 'Ids in the order of items', ...json(ref('UpsertResponse')) },
            ...errors(400, 401, 403, 409, 413, 415, 429, 503),
          },
        },
      },
      '/v1/items/{id}': {
        get: {
          summary: 'One listing',
          security: READ,
          parameters: [idParam],
          responses: { '200': { description: 'The listing', ...json(ref('Listing')) }, ...errors(401, 403, 404, 429) },
        },
        delete: {
          summary: 'Delete a listing (secret key)',
          security: READ,
          parameters: [idParam],
          responses: { '204': { description: 'Deleted' }, ...errors(401, 403, 404, 429) },
        },
      },
      '/v1/items/{id}/status': {
        post: {
          summary: 'Mark a listing active, sold or removed (secret key)',
          security: READ,
          parameters: [idParam],
          requestBody: { required: true, ...json(ref('StatusRequest')) },
          responses: {
            '200': { description: 'The updated listing', ...json(ref('Listing')) },
            ...errors(400, 401, 403, 404, 415, 429),
          },
        },
      },
      '/v1/items/{id}/similar': {
        get: {
          summary: 'More like this: listings nearest to a stored listing',
          security: READ,
          parameters: [idParam, ...queryParams(toJson(schemas.similarQuery))],
          responses: {
            '200': { description: 'One page of results', ...json(ref('SearchResponse')) },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      '/healthz': { get: { summary: 'Process is up', responses: { '200': { description: 'OK' } } } },
      '/readyz': {
        get: {
          summary: 'Database reachable and model known',
          responses: { '200': { description: 'Ready' }, ...errors(503) },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Text exposition format', content: { 'text/plain': {} } } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', ...json({}) } } },
      },
    },
  };
}

import { z } from 'zod';
import type { Config } from './config.js';
import {
  type ErrorStatus,
  openApiPath,
  pathParamNames,
  type Route,
  type RouteAccess,
  type RouteResponse,
} from './http/route.js';
import { filtersSchema, responseSchemas, type Schemas } from './schemas.js';
import { SERVER_VERSION } from './version.js';

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Json) => ({ content: { 'application/json': { schema } } });

const ERROR_TEXT: Record<ErrorStatus, string> = {
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

/**
 * Both headers carry either kind of key (`http/keys.ts`); the secret schemes are the same headers named apart,
 * because only a secret key passes an `admin` route and the spec should say so.
 */
const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'Publishable (search/read) or secret (admin) key' },
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
  secretBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Secret key (FTF_SECRET_KEYS); publishable keys get 403',
  },
  secretApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Secret key (FTF_SECRET_KEYS)' },
};

/** What `requireAccess` lets through, as OpenAPI security; `undefined` = no key needed (nothing is global). */
function securityFor(access: RouteAccess, config: Pick<Config, 'open'>): Json[] | undefined {
  switch (access) {
    case 'public':
      return undefined;
    case 'read': {
      const anyKey = [{ bearer: [] }, { apiKey: [] }];
      // FTF_OPEN: reads work without a key too; `{}` is OpenAPI's "no credentials".
      return config.open ? [...anyKey, {}] : anyKey;
    }
    case 'admin':
      return [{ secretBearer: [] }, { secretApiKey: [] }];
  }
}

/** Zod schema → JSON Schema: a `$ref` when it is a named component, inline otherwise. */
type Describe = (schema: z.ZodType) => Json;

function response(r: RouteResponse, describe: Describe): Json {
  const content = { ...(r.json ? json(describe(r.json)).content : {}), ...r.content };
  return Object.keys(content).length > 0 ? { description: r.description, content } : { description: r.description };
}

/** One parameter per property of the query schema; every query option is optional. */
function queryParams(query: z.ZodType | undefined, inline: Describe): Json[] {
  const properties = (query ? (inline(query).properties ?? {}) : {}) as Record<string, Json>;
  return Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
}

function operation(route: Route, config: Config, describe: Describe, inline: Describe): Json {
  const op: Json = { summary: route.summary };
  if (route.description) op.description = route.description;
  const security = securityFor(route.access, config);
  if (security) op.security = security;
  const parameters = [
    ...pathParamNames(route.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: route.params?.[name] ?? { type: 'string' },
    })),
    ...queryParams(route.query, inline),
  ];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body) {
    const content = 'json' in route.body ? json(describe(route.body.json)).content : route.body.content;
    op.requestBody = { required: true, content };
  }
  const errors = route.errors.map((s) => [String(s), { description: ERROR_TEXT[s], ...json(ref('ErrorBody')) }]);
  op.responses = {
    ...Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, response(r, describe)])),
    ...Object.fromEntries(errors),
  };
  return op;
}

/**
 * OpenAPI 3.1 generated from the route declarations the router mounts and the zod schemas that validate
 * requests (JSON Schema 2020-12 is 3.1's own dialect, so the converted schemas drop in unchanged).
 */
export function buildOpenApi(config: Config, schemas: Schemas, routes: readonly Route[]): Json {
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
  const inline: Describe = (s) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  const describe: Describe = (s) => {
    const id = registry.get(s)?.id;
    return id ? ref(id) : inline(s);
  };

  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, config, describe, inline) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Find This Fit search API',
      version: SERVER_VERSION,
      description: `Vector search over second-hand listings. Model: ${config.model.preset.name} (${config.model.fingerprint}). Errors: { error: { code, message, details? } }; every response has x-request-id.`,
    },
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
    paths,
  };
}

import {
  API_ERROR_CODES,
  CONDITIONS,
  type ErrorBody,
  LISTING_STATUSES,
  type SearchFilters,
  type SearchRequest,
  type StatusRequest,
  type UpsertRequest,
} from '@find-this-fit/sdk';
import { z } from 'zod';
import type { Config } from './config.js';
import { isAllowedAppUrl, isWebUrl } from './url-schemes.js';

/**
 * Every request schema, typed against the sdk's API types so the validator and the contract cannot drift,
 * and the single source of `/openapi.json`. Built per app because limits (maxK, maxBatch) come from config.
 */

const text = (max: number) => z.string().min(1).max(max);
const nullableText = (max: number) => z.string().max(max).nullable().exactOptional();
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR');
const stringList = z.array(text(200)).min(1).max(100).exactOptional();

export const conditionSchema = z.enum(CONDITIONS);
export const statusSchema = z.enum(LISTING_STATUSES);

export const moneySchema = z.strictObject({
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Minor units, e.g. 1999 = €19.99' }),
  currency,
});

export const vectorSchema = z
  .union([
    z.array(z.number()).min(1).max(4096),
    z.strictObject({ dtype: z.enum(['float16', 'float32']), base64: z.string().min(1).max(65536) }),
  ])
  .meta({ description: "Numbers, or little-endian float16/float32 bytes in base64. Length = the model's dim." });

export const filtersSchema = z.strictObject({
  price: z
    .strictObject({
      min: z.number().int().min(0).exactOptional(),
      max: z.number().int().min(0).exactOptional(),
      currency,
    })
    .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, {
      message: 'min must not exceed max',
      path: ['min'],
    })
    .exactOptional(),
  sizes: stringList,
  brands: stringList,
  categories: stringList,
  conditions: z.array(conditionSchema).min(1).exactOptional(),
  sources: stringList,
  statuses: z.array(statusSchema).min(1).exactOptional().meta({ description: 'Default ["active"]' }),
}) satisfies z.ZodType<SearchFilters>;

const fingerprint = z.string().min(1).max(200).meta({ description: 'Model fingerprint (GET /v1/info → model)' });
const cursor = z.string().min(1).max(8192).meta({ description: "Opaque: a previous page's nextCursor" });

/** An http(s) link (url, imageUrl): the scheme is checked on the raw text, see url-schemes.ts. */
const webUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine(isWebUrl, { message: 'must be an absolute http:// or https:// URL' })
  .meta({ format: 'uri', description: 'Absolute http(s) URL' });

export function buildSchemas(limits: Config['limits'], appUrlSchemes: readonly string[] = ['depop']) {
  const appUrl = z
    .string()
    .min(1)
    .max(2048)
    .refine((value) => isAllowedAppUrl(value, appUrlSchemes), {
      message: `must be an http(s) URL or an app link (${appUrlSchemes.map((s) => `${s}://`).join(', ') || 'no app schemes allowed'})`,
    })
    .meta({
      format: 'uri',
      description: `http(s) URL or an app link of an allowed scheme (FTF_APP_URL_SCHEMES: ${appUrlSchemes.join(', ') || 'none'})`,
    });
  const k = z.number().int().min(1).max(limits.maxK);

  const searchRequest = z.strictObject({
    model: fingerprint,
    vector: vectorSchema,
    k: k.exactOptional().meta({ description: `1..${limits.maxK}, default 20` }),
    filters: filtersSchema.exactOptional(),
    minScore: z.number().min(-1).max(1).exactOptional(),
    collapseDuplicates: z.boolean().exactOptional(),
    cursor: cursor.exactOptional(),
  }) satisfies z.ZodType<SearchRequest>;

  // Image search sends its options in the query string (the body is the image).
  const imageSearchQuery = z.strictObject({
    k: z.coerce.number().int().min(1).max(limits.maxK).exactOptional(),
    minScore: z.coerce.number().min(-1).max(1).exactOptional(),
    collapseDuplicates: z.enum(['true', 'false']).exactOptional(),
    filters: z.string().max(8192).exactOptional().meta({ description: 'SearchFilters as JSON' }),
    cursor: cursor.exactOptional(),
  });

  const similarQuery = z.strictObject({
    k: z.coerce.number().int().min(1).max(limits.maxK).exactOptional(),
    cursor: cursor.exactOptional(),
    collapseDuplicates: z.enum(['true', 'false']).exactOptional(),
  });

  const listingUpsert = z.strictObject({
    source: text(200),
    externalId: text(200),
    title: text(1000),
    description: nullableText(20_000),
    brand: nullableText(200),
    size: nullableText(100),
    category: nullableText(200),
    condition: conditionSchema.nullable().exactOptional(),
    conditionRaw: nullableText(200),
    price: moneySchema.nullable().exactOptional(),
    url: webUrl,
    appUrl: appUrl.nullable().exactOptional(),
    imageUrl: webUrl,
    status: statusSchema.exactOptional(),
    imageHash: nullableText(200),
    vector: vectorSchema,
  });

  const upsertRequest = z.strictObject({
    model: fingerprint,
    items: z.array(listingUpsert).min(1).max(limits.maxBatch),
  }) satisfies z.ZodType<UpsertRequest>;

  const statusRequest = z.strictObject({ status: statusSchema }) satisfies z.ZodType<StatusRequest>;

  return { searchRequest, imageSearchQuery, similarQuery, listingUpsert, upsertRequest, statusRequest };
}

export type Schemas = ReturnType<typeof buildSchemas>;

/* Response schemas: documentation only (the server builds responses from typed values). */

const listing = z.object({
  id: z.string().regex(/^\d+$/),
  source: z.string(),
  externalId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  brand: z.string().nullable(),
  size: z.string().nullable(),
  category: z.string().nullable(),
  condition: conditionSchema.nullable(),
  conditionRaw: z.string().nullable(),
  price: moneySchema.nullable(),
  url: z.string(),
  appUrl: z.string().nullable(),
  imageUrl: z.string(),
  status: statusSchema,
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});

export const responseSchemas = {
  listing,
  searchResponse: z.object({
    results: z.array(listing.extend({ score: z.number().min(-1).max(1) })),
    nextCursor: z.string().exactOptional(),
    model: z.string(),
    tookMs: z.number(),
  }),
  infoResponse: z.object({
    name: z.string(),
    version: z.string(),
    model: z.object({
      preset: z.string(),
      modelId: z.string(),
      revision: z.string(),
      family: z.enum(['clip', 'siglip']),
      dim: z.number().int(),
      dtype: z.string(),
      imageSize: z.number().int(),
      fingerprint: z.string(),
      queryDtypes: z.array(z.object({ dtype: z.string(), fingerprint: z.string() })).optional(),
    }),
    items: z.object({ active: z.number().int(), total: z.number().int() }),
    index: z.object({
      kind: z.literal('hnsw'),
      m: z.number().int(),
      efConstruction: z.number().int(),
      efSearch: z.number().int(),
      vectorType: z.enum(['vector', 'halfvec']).optional(),
      distance: z.literal('cosine'),
    }),
    limits: z.object({
      maxK: z.number().int(),
      maxBatch: z.number().int(),
      maxVectorBodyBytes: z.number().int(),
      maxImageBytes: z.number().int(),
      maxImagePixels: z.number().int(),
    }),
    imageSearch: z.boolean(),
  }),
  upsertResponse: z.object({ inserted: z.number().int(), updated: z.number().int(), ids: z.array(z.string()) }),
  errorBody: z.object({
    error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string(), details: z.unknown().exactOptional() }),
  }) satisfies z.ZodType<ErrorBody>,
};

/** Zod issues → field names as a client writes them (`vector[12]`, `filters.price.min`, `items[3].vector`). */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || 'body';
}

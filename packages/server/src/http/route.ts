import type Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { z } from 'zod';
import type { Config } from '../config.js';
import { type Access, requireAccess } from './auth.js';

type Json = Record<string, unknown>;

/** Who may call: anyone without a key (probes, the spec), any accepted key (`read`), or a secret key (`admin`). */
export type RouteAccess = 'public' | Access;

/** The error statuses an operation can answer; every one has the `ErrorBody` shape. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

export interface RouteResponse {
  description: string;
  /** A JSON body of this shape (a registered component becomes a `$ref`). */
  json?: z.ZodType;
  /** Any other media types, as OpenAPI `content` entries. */
  content?: Record<string, Json>;
}

/**
 * One route, declared once: `registerRoutes` mounts the handler behind the access check, and `buildOpenApi`
 * describes the same declaration, so the spec cannot drift from what the router enforces.
 */
export interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  /** A @koa/router pattern; each `:name` segment is a path parameter. */
  path: string;
  access: RouteAccess;
  summary: string;
  description?: string;
  /** JSON Schema of each path parameter, by name; `:name` without one is described as a plain string. */
  params?: Record<string, Json>;
  /** The query string's schema: one optional parameter per property. */
  query?: z.ZodType;
  /** The request body (always required): JSON of a schema, or explicit content for uploads. */
  body?: { json: z.ZodType } | { content: Record<string, Json> };
  /** Success responses by status. */
  responses: Record<number, RouteResponse>;
  errors: ErrorStatus[];
  handler: RouterMiddleware;
}

/** Mounts each route's handler, behind `requireAccess` unless the route is public. */
export function registerRoutes(router: Router, routes: readonly Route[], config: Config): void {
  const checks = { read: requireAccess(config, 'read'), admin: requireAccess(config, 'admin') };
  for (const route of routes) {
    const chain = route.access === 'public' ? [route.handler] : [checks[route.access], route.handler];
    router.register(route.path, [route.method], chain);
  }
}

/** `:id` segments → the names OpenAPI writes as `{id}`, in path order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
}

/** `/v1/items/:id/status` → `/v1/items/{id}/status`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

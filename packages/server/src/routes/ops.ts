import { UnavailableError } from '../errors.js';
import type { Route } from '../http/route.js';
import type { RouteDeps } from './context.js';

const READY_TIMEOUT_MS = 2000;

/** Unauthenticated operational endpoints: probes, metrics, the API description. */
export function opsRoutes(deps: RouteDeps, openapi: () => unknown): Route[] {
  const { store, config, metrics } = deps;

  return [
    {
      method: 'get',
      path: '/healthz',
      access: 'public',
      summary: 'Process is up',
      responses: { 200: { description: 'OK' } },
      errors: [],
      handler: (ctx) => {
        ctx.body = { status: 'ok' };
      },
    },
    {
      method: 'get',
      path: '/readyz',
      access: 'public',
      summary: 'Database reachable and model known',
      responses: { 200: { description: 'Ready' } },
      errors: [503],
      handler: async (ctx) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            store.ping(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('ping timed out')), READY_TIMEOUT_MS);
            }),
          ]);
        } catch (error) {
          throw new UnavailableError('not_ready', 'The database is not reachable.', error);
        } finally {
          clearTimeout(timer);
        }
        ctx.body = { status: 'ready', store: store.kind, model: config.model.fingerprint };
      },
    },
    {
      method: 'get',
      path: '/metrics',
      access: 'public',
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'Text exposition format', content: { 'text/plain': {} } } },
      errors: [],
      handler: async (ctx) => {
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      access: 'public',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: {} } } } },
      errors: [],
      handler: (ctx) => {
        ctx.body = openapi();
      },
    },
  ];
}

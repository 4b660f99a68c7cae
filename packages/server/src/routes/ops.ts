import type Router from '@koa/router';
import { UnavailableError } from '../errors.js';
import type { RouteDeps } from './context.js';

const READY_TIMEOUT_MS = 2000;

/** Unauthenticated operational endpoints: probes, metrics, the API description. */
export function opsRoutes(router: Router, deps: RouteDeps, openapi: () => unknown): void {
  const { store, config, metrics } = deps;

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
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
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi();
  });
}

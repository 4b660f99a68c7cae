import type { Embedder } from '@find-this-fit/sdk/embedder';
import cors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { accessLog } from './http/access-log.js';
import { identifyCaller } from './http/auth.js';
import { errorHandler } from './http/error-handler.js';
import { rateLimit } from './http/rate-limit.js';
import { requestId } from './http/request-id.js';
import { type Route, registerRoutes } from './http/route.js';
import { limitDecodeThreads } from './image-check.js';
import { createImageEmbedder, type ImageEmbedder } from './image-embedder.js';
import { type AppMetrics, createMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import type { RouteDeps } from './routes/context.js';
import { infoRoutes } from './routes/info.js';
import { itemRoutes } from './routes/items.js';
import { opsRoutes } from './routes/ops.js';
import { searchRoutes } from './routes/search.js';
import { buildSchemas } from './schemas.js';
import type { Store } from './store/types.js';
import { WorkQueue } from './work-queue.js';

export interface AppOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** A ready embedder for `/v1/search/image`; without it one is loaded from FTF_MODEL_DIR on first use. */
  embedder?: Embedder;
}

export interface FindThisFitApp extends Koa {
  /** The app's own Prometheus registry and metrics. */
  readonly metrics: AppMetrics;
  /** Disposes the lazily loaded embedder (the store belongs to the caller). */
  dispose(): Promise<void>;
}

/** CORS origins: configured ones plus every publishable key's origins (a key is useless if the browser cannot call). */
function corsOrigin(config: Config): (ctx: Koa.Context) => string {
  const any = config.corsOrigins.includes('*');
  const allowed = new Set([...config.corsOrigins, ...config.keys.publishable.flatMap((p) => p.origins)]);
  return (ctx) => {
    const origin = ctx.get('origin');
    if (any) return '*';
    return allowed.has(origin) ? origin : '';
  };
}

/** Builds the Koa app. It never listens: `main.ts` does, tests use `app.callback()`. */
export function createApp(options: AppOptions): FindThisFitApp {
  const { store, config, logger } = options;
  // Behind FTF_TRUST_PROXY hops, ctx.ip is the client as the nearest trusted proxy saw it (X-Forwarded-For).
  const app = new Koa({
    proxy: config.trustProxy > 0,
    ...(config.trustProxy > 0 ? { maxIpsCount: config.trustProxy } : {}),
  }) as FindThisFitApp;
  const metrics = createMetrics(store, config.hnsw);
  const embedder: ImageEmbedder = createImageEmbedder(config, options.embedder);
  const schemas = buildSchemas(config.limits, config.appUrlSchemes);
  const imageWork = new WorkQueue(config.limits.imageConcurrency, config.limits.imageQueueMax, 'image searches');
  limitDecodeThreads(config.limits.imageDecodeThreads);
  const deps: RouteDeps = { store, config, logger, metrics, schemas, embedder, imageWork };
  let openapi: unknown;

  // Every route once: the router mounts these and /openapi.json describes these same declarations.
  const routes: Route[] = [
    ...infoRoutes(deps),
    ...searchRoutes(deps),
    ...itemRoutes(deps),
    ...adminRoutes(deps),
    ...opsRoutes(deps, () => {
      openapi ??= buildOpenApi(config, schemas, routes);
      return openapi;
    }),
  ];
  // Case-sensitive: /V1/search is not an API path (404), so no spelling reaches a route the limiter did not count.
  const router = new Router({ sensitive: true });
  registerRoutes(router, routes, config);

  app.use(requestId());
  app.use(accessLog(logger, metrics));
  app.use(errorHandler(logger));
  app.use(
    cors({
      origin: corsOrigin(config),
      allowHeaders: ['authorization', 'x-api-key', 'content-type', 'x-request-id', 'idempotency-key', 'x-ftf-client'],
      exposeHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    }),
  );
  app.use(identifyCaller(config));
  app.use(rateLimit(config));
  app.use(router.routes());
  // A method no route knows (TRACE, PROPFIND, …) is the client's mistake: 405, never the router's default 501.
  app.use(
    router.allowedMethods({
      throw: true,
      notImplemented: () => new AppError(405, 'method_not_allowed', 'This method is not supported.'),
    }),
  );

  // Koa logs errors to stderr by default; ours are already logged by the error middleware.
  app.silent = true;
  Object.defineProperty(app, 'metrics', { value: metrics });
  app.dispose = () => embedder.dispose();
  return app;
}

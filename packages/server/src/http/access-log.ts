import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AppMetrics } from '../metrics.js';

/** Route pattern (bounded label cardinality), never the raw URL. */
function routeOf(matched: unknown): string {
  return typeof matched === 'string' ? matched : 'unmatched';
}

/** One structured log line and the request metrics per request; sits outside the error handler to see final statuses. */
export function accessLog(logger: Logger, metrics: AppMetrics): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf((ctx as { _matchedRoute?: unknown })._matchedRoute);
      const labels = { method: ctx.method, route, status: String(ctx.status) };
      metrics.requests.inc(labels);
      metrics.requestDuration.observe(labels, seconds);
      const ms = Math.round(seconds * 1e4) / 10;
      const line = { reqId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, ms };
      if (ctx.status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    }
  };
}

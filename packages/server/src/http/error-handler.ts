import type { ApiErrorCode, ErrorBody } from '@find-this-fit/sdk';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../errors.js';

const CODES_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
};

/** Koa/http-errors style errors (router's 405, raw-body's 413) that are safe to show. */
function isExposedHttpError(error: unknown): error is { status: number; message: string; expose: true } {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { status?: unknown; expose?: unknown };
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}

/** The store's typed errors (duck-typed: the HTTP layer depends on the store's contract, not its classes). */
function storeErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'StoreError') return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === 'unavailable' || code === 'timeout' || code === 'overloaded') return 503;
  if (code === 'invalid_input') return 400;
  return 500;
}

/** Maps thrown errors to the documented error body; unknown errors become a generic 500, logged with the request id. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing answered: same error body as every other failure.
      if (ctx.status === 404 && ctx.body == null) throw new NotFoundError('No such endpoint.');
    } catch (error) {
      let status: number;
      let body: ErrorBody;
      if (error instanceof AppError) {
        status = error.status;
        body = { error: { code: error.code, message: error.message } };
        if (error.details !== undefined) body.error.details = error.details;
        ctx.set(error.headers);
        // A full work queue refuses in bursts: one log line per refused request would flood the log.
        if (status >= 500 && error.code !== 'overloaded')
          logger.warn({ reqId: ctx.state.requestId, err: error.cause ?? error }, error.message);
      } else if (storeErrorStatus(error) !== undefined) {
        const e = error as { code: string; message: string; details?: { retryAfterSeconds?: unknown } };
        status = storeErrorStatus(error) as number;
        if (e.code === 'overloaded') {
          // Load shedding: the store logs each burst once; a line per refused request would flood the log.
          ctx.set('retry-after', String(e.details?.retryAfterSeconds ?? 1));
          ctx.status = 503;
          ctx.body = {
            error: { code: 'overloaded', message: 'The server is busy; retry after the Retry-After delay.' },
          };
          return;
        }
        const code = status === 503 ? 'unavailable' : status === 400 ? 'invalid_request' : 'internal_error';
        const message = status === 500 ? `Internal error (request ${ctx.state.requestId}).` : `Store: ${e.message}.`;
        body = { error: { code, message } };
        logger[status === 400 ? 'info' : 'error']({ reqId: ctx.state.requestId, err: error }, 'store error');
      } else if (isExposedHttpError(error)) {
        status = error.status;
        body = { error: { code: CODES_BY_STATUS[status] ?? 'invalid_request', message: error.message } };
        const headers = (error as { headers?: Record<string, string> }).headers;
        if (headers) ctx.set(headers);
      } else {
        status = 500;
        body = { error: { code: 'internal_error', message: `Internal error (request ${ctx.state.requestId}).` } };
        logger.error({ reqId: ctx.state.requestId, err: error }, 'unhandled error');
      }
      ctx.status = status;
      ctx.body = body;
    }
  };
}

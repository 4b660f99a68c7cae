import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

// A caller's id is reused only when it is short and harmless in logs and headers.
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Outermost middleware: every response, errors included, carries `x-request-id`. */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const id = SANE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    await next();
  };
}

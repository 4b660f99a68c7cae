import type { Middleware } from 'koa';
import type { Config } from '../config.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { type Caller, createKeyRing, presentedKey } from './keys.js';

export type Access = 'read' | 'admin';

/** Resolves the caller once per request into `ctx.state.caller`; access checks come per route. */
export function identifyCaller(config: Config): Middleware {
  const resolve = createKeyRing(config);
  return async (ctx, next) => {
    ctx.state.caller = resolve(presentedKey({ authorization: ctx.get('authorization'), apiKey: ctx.get('x-api-key') }));
    await next();
  };
}

/** Read = search, info, items (publishable or secret, or no key in open mode); admin = secret only. */
export function requireAccess(config: Config, access: Access): Middleware {
  return async (ctx, next) => {
    const caller = ctx.state.caller as Caller;
    if (caller.kind === 'unknown') throw new UnauthorizedError('Unknown API key.');
    if (access === 'admin') {
      if (config.keys.secret.length === 0) {
        throw new ForbiddenError('admin_disabled', 'Admin endpoints are disabled: no FTF_SECRET_KEYS configured.');
      }
      if (caller.kind === 'none')
        throw new UnauthorizedError('A secret key is required (Authorization: Bearer <key>).');
      if (caller.kind !== 'secret')
        throw new ForbiddenError('forbidden', 'Publishable keys cannot use admin endpoints.');
    } else if (caller.kind === 'none') {
      if (!config.open)
        throw new UnauthorizedError('An API key is required (Authorization: Bearer <key> or x-api-key).');
    } else if (caller.kind === 'publishable' && caller.origins.length > 0) {
      const origin = ctx.get('origin');
      if (!caller.origins.includes(origin)) {
        throw new ForbiddenError(
          'origin_not_allowed',
          origin
            ? `Origin ${origin} may not use this publishable key.`
            : 'This publishable key requires an allowed Origin.',
        );
      }
    }
    await next();
  };
}

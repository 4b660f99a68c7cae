/** `@find-this-fit/server`: the search server's public API. */
export { type AppOptions, createApp, type FindThisFitApp } from './app.js';
export {
  type Config,
  ConfigError,
  ENV_VARS,
  type EnvVarDoc,
  loadConfig,
  type PublishableKey,
  SETTINGS,
} from './config.js';
export {
  AppError,
  ForbiddenError,
  InvalidRequestError,
  ModelMismatchError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from './errors.js';
export { createLogger } from './logger.js';
export { type RunningServer, startServer } from './main.js';
export type { Store, StoreHealth } from './store/types.js';

export { type ClientOptions, FindThisFit, type SearchOptions, type SearchParams } from './client.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ClientUsageError,
  InternalServerError,
  isAPIError,
  ModelMismatchError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  type ResponseHeaders,
  UnsupportedMediaTypeError,
} from './errors.js';
export { ItemsResource, type ItemUpsert } from './items.js';
export { PagePromise, type PageRequest, SearchPage } from './pagination.js';
export { MAX_RETRY_AFTER_MS, parseRetryAfter, retryAfterMs, sleep } from './retry.js';
export type { HttpRequest, HttpResponse, RequestOptions, WithRequestId } from './transport.js';

export {
  type ClientOptions,
  ClientUsageError,
  FindThisFit,
  ItemsResource,
  type SearchOptions,
  type SearchParams,
} from './client.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
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
export { PagePromise, SearchPage } from './pages.js';
export type { RequestOptions } from './transport.js';

import { FindThisFitError } from '../errors.js';

/** Headers of an HTTP response, as a plain lower-cased record. */
export type ResponseHeaders = Record<string, string>;

function headersToRecord(headers: Headers | undefined): ResponseHeaders {
  const out: ResponseHeaders = {};
  headers?.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/**
 * The server answered with an error status. `status`, `code` (from the error body), `headers` and
 * `requestId` (the `x-request-id` to quote in a bug report) are always set.
 */
export class APIError extends FindThisFitError {
  override name = 'APIError';
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly requestId: string | undefined;
  /** `details` of the error body (e.g. the invalid fields). */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, headers: ResponseHeaders, details?: unknown) {
    super(code, message);
    this.status = status;
    this.headers = headers;
    this.requestId = headers['x-request-id'];
    this.details = details;
  }

  /** Builds the subclass that fits `status` from a response's parsed body. */
  static fromResponse(status: number, body: unknown, headers: Headers | undefined): APIError {
    const record = headersToRecord(headers);
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
    const Subclass = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Subclass(status, code, message, record, error?.details);
  }
}

/** 400: the request was invalid; `details.fields` names the fields. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
/** 401: no key, or an unknown key. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/** 403: the key may not do this (e.g. a publishable key on an admin call, or a disallowed origin). */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/** 404: no such listing or route. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/** 409: the vector comes from another model than the index; the message names both. */
export class ModelMismatchError extends APIError {
  override name = 'ModelMismatchError';
}
/** 413: body, image or batch too large. */
export class PayloadTooLargeError extends APIError {
  override name = 'PayloadTooLargeError';
}
/** 415: wrong content type. */
export class UnsupportedMediaTypeError extends APIError {
  override name = 'UnsupportedMediaTypeError';
}
/** 429: rate limited; retried automatically, honouring `Retry-After`. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
/** 5xx: the server failed or is not ready; retried automatically. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ModelMismatchError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  429: RateLimitError,
};

/** The client could not do what was asked before any request (e.g. no way to embed locally, a file path to upload). */
export class ClientUsageError extends FindThisFitError {
  override name = 'ClientUsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('client_usage', message, options);
  }
}

/** The server could not be reached, or the connection broke before a response arrived. */
export class APIConnectionError extends FindThisFitError {
  override name = 'APIConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('connection_error', message, options);
  }
}

/** No response within the timeout. */
export class APIConnectionTimeoutError extends FindThisFitError {
  override name = 'APIConnectionTimeoutError';
  constructor(timeoutMs: number) {
    super('timeout', `Request timed out after ${timeoutMs} ms.`);
  }
}

/** The caller aborted the request through its `signal`. */
export class APIUserAbortError extends FindThisFitError {
  override name = 'APIUserAbortError';
  constructor() {
    super('aborted', 'Request was aborted.');
  }
}

/** Brand-checked: true for an APIError from any copy of the SDK. */
export function isAPIError(value: unknown): value is APIError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number' &&
    (value as { [key: symbol]: unknown })[Symbol.for('find-this-fit.error')] === true
  );
}

import type { ApiErrorCode } from '@find-this-fit/sdk';

/**
 * The errors route handlers throw on purpose. The error middleware turns each into
 * `{ error: { code, message, details? } }` with its status; anything else becomes a generic 500.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details?: unknown;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** One invalid field, named the way a client would write it: `vector[12]`, `filters.price.min`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class InvalidRequestError extends AppError {
  constructor(message: string, problems?: FieldProblem[]) {
    super(400, 'invalid_request', message, problems ? { details: { fields: problems } } : {});
  }
  /** `field: message` as the message, the field list as details. */
  static field(field: string, message: string): InvalidRequestError {
    return new InvalidRequestError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(code: 'forbidden' | 'origin_not_allowed' | 'admin_disabled', message: string) {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

export class ModelMismatchError extends AppError {
  constructor(message: string, details: { expected: string; received: string }) {
    super(409, 'model_mismatch', message, { details });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many requests; retry in ${retryAfterSeconds} s.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      details: { retryAfterSeconds },
    });
  }
}

export class UnavailableError extends AppError {
  constructor(code: 'unavailable' | 'model_unavailable' | 'not_ready', message: string, cause?: unknown) {
    super(503, code, message, cause === undefined ? {} : { cause });
  }
}

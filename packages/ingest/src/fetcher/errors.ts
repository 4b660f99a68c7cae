/** Base of every error the polite fetcher throws; `retryable` says whether a later attempt may succeed. */
export class FetchError extends Error {
  override name = 'FetchError';
  readonly url: string;
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, url: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.url = url;
    this.retryable = options.retryable ?? false;
  }
}

/** The address guard refused a host that resolves to a private, loopback or link-local address. */
export class BlockedAddressError extends FetchError {
  override name = 'BlockedAddressError';
  constructor(url: string, address: string) {
    super('blocked_address', url, `Refusing ${url}: it resolves to ${address}, a private/loopback/link-local address.`);
  }
}

/** robots.txt disallows the URL for our user agent (or robots.txt could not be read). */
export class RobotsDisallowedError extends FetchError {
  override name = 'RobotsDisallowedError';
  constructor(url: string, reason: string) {
    super('robots_disallowed', url, `robots.txt disallows ${url} (${reason}).`);
  }
}

/** The host's circuit breaker is open (bot challenge or repeated 403): no more requests to it this run. */
export class CircuitOpenError extends FetchError {
  override name = 'CircuitOpenError';
  constructor(url: string, host: string, reason: string) {
    super('circuit_open', url, `Not requesting ${url}: circuit open for ${host} (${reason}).`);
  }
}

/** A non-success HTTP status that retries did not fix. */
export class HttpStatusError extends FetchError {
  override name = 'HttpStatusError';
  readonly status: number;
  constructor(url: string, status: number, retryable: boolean) {
    super('http_status', url, `HTTP ${status} for ${url}.`, { retryable });
    this.status = status;
  }
}

/** The body was larger than the response-size cap. */
export class ResponseTooLargeError extends FetchError {
  override name = 'ResponseTooLargeError';
  constructor(url: string, limit: number) {
    super('response_too_large', url, `Response from ${url} is larger than the ${limit}-byte cap.`);
  }
}

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from './errors.js';
import { backoffMs, isRetryableStatus, retryAfterMs, sleep } from './retry.js';

/** Per-call options, accepted by every client method as its last argument. */
export interface RequestOptions {
  /** Abort the call (and its retries). */
  signal?: AbortSignal;
  /** Milliseconds per attempt before it counts as a timeout. */
  timeout?: number;
  /** Retries after the first attempt (connection errors, 408, 429, 5xx). */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** Makes a non-idempotent call safe to retry (sent as `Idempotency-Key`). */
  idempotencyKey?: string;
}

export interface TransportConfig {
  baseURL: string;
  apiKey: string | undefined;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** Raw body with its content type (image search). */
  raw?: { body: Blob | Uint8Array | ArrayBuffer; contentType: string };
  /** Safe to repeat: reads, PUT and DELETE, and searches (which change nothing). */
  idempotent: boolean;
}

export interface HttpResponse<T> {
  data: T;
  response: Response;
  requestId: string | undefined;
}

function buildUrl(baseURL: string, path: string, query: HttpRequest['query']): string {
  const url = new URL(path.replace(/^\//, ''), baseURL.endsWith('/') ? baseURL : `${baseURL}/`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends one API request with timeouts, retries (jittered backoff, `Retry-After`) and typed errors. */
export async function send<T>(
  config: TransportConfig,
  request: HttpRequest,
  options: RequestOptions = {},
): Promise<HttpResponse<T>> {
  const timeout = options.timeout ?? config.timeout;
  const canRetry = request.idempotent || options.idempotencyKey !== undefined;
  const maxRetries = canRetry ? (options.maxRetries ?? config.maxRetries) : 0;
  const headers: Record<string, string> = { accept: 'application/json', ...config.headers, ...options.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: BodyInit | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.raw) {
    headers['content-type'] = request.raw.contentType;
    body = request.raw.body as BodyInit;
  }
  const url = buildUrl(config.baseURL, request.path, request.query);

  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const onUserAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onUserAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), timeout);
    let failure: Error;
    let response: Response | undefined;
    try {
      response = await config.fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      if (response.ok) {
        const data = (await parseBody(response)) as T;
        return { data, response, requestId: response.headers.get('x-request-id') ?? undefined };
      }
      failure = APIError.fromResponse(response.status, await parseBody(response), response.headers);
      if (!isRetryableStatus(response.status)) throw failure;
    } catch (error) {
      if (error instanceof APIError) throw error;
      if (options.signal?.aborted) throw new APIUserAbortError();
      failure = controller.signal.aborted
        ? new APIConnectionTimeoutError(timeout)
        : new APIConnectionError(`Connection to ${new URL(url).origin} failed: ${(error as Error).message}`, {
            cause: error,
          });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onUserAbort);
    }
    if (attempt >= maxRetries) throw failure;
    const wait = retryAfterMs(response?.headers) ?? backoffMs(attempt);
    try {
      await sleep(wait, options.signal);
    } catch {
      throw new APIUserAbortError();
    }
  }
}

/** A returned object with the server's `x-request-id` attached (not enumerable: it stays out of JSON and spreads). */
export type WithRequestId<T> = T & { readonly requestId?: string | undefined };

/** Attaches `requestId` to a response object the way openai-node attaches `_request_id`. */
export function withRequestId<T>(data: T, requestId: string | undefined): WithRequestId<T> {
  if (typeof data === 'object' && data !== null && !Object.isFrozen(data)) {
    Object.defineProperty(data, 'requestId', { value: requestId, enumerable: false, configurable: true });
  }
  return data as WithRequestId<T>;
}

import type { FetchOptions, FetchResult } from '../fetcher/polite-fetcher.js';
import type { SourceContext } from './types.js';

/** A page whose body is not the JSON we expect. */
export class MalformedPageError extends Error {
  override name = 'MalformedPageError';
}

/**
 * GETs a JSON page through the polite fetcher. A body that does not parse is fetched again (a truncated or
 * garbled answer is usually transient), up to `attempts` times, each one a normal polite request.
 */
export async function fetchJson(context: SourceContext, url: string, attempts = 3): Promise<unknown> {
  return (await fetchJsonResponse(context, url, {}, attempts)).data;
}

/** Like `fetchJson`, also returning the response (headers such as `X-WP-TotalPages`). */
export async function fetchJsonResponse(
  context: SourceContext,
  url: string,
  options: Omit<FetchOptions, 'signal'> = {},
  attempts = 3,
): Promise<{ data: unknown; response: FetchResult }> {
  for (let attempt = 1; ; attempt++) {
    const response = await context.fetcher.fetch(url, {
      accept: 'application/json',
      ...options,
      // A garbled body is fetched again in full, never answered from a stored copy.
      ...(attempt > 1 ? { fresh: true } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    try {
      return { data: JSON.parse(response.body.toString('utf8')) as unknown, response };
    } catch (error) {
      const message = `malformed JSON from ${url}: ${(error as Error).message}`;
      if (attempt >= attempts) throw new MalformedPageError(`${message} (after ${attempts} attempts)`);
      context.logger.warn({ url, attempt }, `${message}; fetching it again`);
    }
  }
}

/**
 * Defence in depth for result links: whatever the server returns (an old row, a poisoned database, another
 * server), only http(s) links and `scheme://` app links ever reach an `href` or `src`. The server validates the
 * same rule on write; this keeps a `javascript:` value that slipped past it from running in the shop's page.
 */

// Checked on the raw text: the URL parser strips leading spaces/control characters and tabs inside the scheme.
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// No control characters (tabs, newlines…) anywhere: the parser drops them silently. A plain space is left to the
// parser, which percent-encodes it in a path (stored links with one stay valid).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// Schemes that run script or embed content in the page: never a link, even as `scheme://`.
const SCRIPT_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'filesystem']);

function schemeOf(value: string): string | undefined {
  return SCHEME.exec(value)?.[1]?.toLowerCase();
}

/** `value` when it is an absolute http(s) URL with a host, else undefined. */
export function safeWebUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || UNSAFE_CHARS.test(value)) return undefined;
  const scheme = schemeOf(value);
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  if (!/^[a-z]+:\/\/[^/\\]/i.test(value)) return undefined;
  try {
    return new URL(value).hostname ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `value` when it is a web URL or an app link (`depop://…`) of a scheme that cannot run script, else undefined. */
export function safeAppUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const web = safeWebUrl(value);
  if (web) return web;
  const scheme = schemeOf(value);
  if (!scheme || SCRIPT_SCHEMES.has(scheme) || UNSAFE_CHARS.test(value)) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\/[^/\s]/i.test(value) ? value : undefined;
}

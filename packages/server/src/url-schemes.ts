/**
 * The URL rule for item links. A stored link ends up in a shop page's `href`/`src`, so a `javascript:` or
 * `data:` value would be stored XSS: only http(s) web links and an operator's allowlist of app schemes pass.
 */

// A scheme, then `:` — checked on the raw text, because the WHATWG parser silently strips leading spaces,
// control characters and tabs/newlines inside the scheme ("java\tscript:" parses as "javascript:").
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// No control characters (tabs, newlines…) anywhere: the parser drops them silently. A plain space is left to the
// parser, which percent-encodes it in a path (stored links with one stay valid).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// Never an app link, whatever the configuration says (config refuses them too).
const SCRIPT_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about']);

/** The lowercase scheme of `value` (without `:`), or undefined when it does not start with one. */
export function schemeOf(value: string): string | undefined {
  return SCHEME.exec(value)?.[1]?.toLowerCase();
}

/** An absolute http(s) URL with a host, nothing hidden in control characters. */
export function isWebUrl(value: string): boolean {
  const scheme = schemeOf(value);
  if ((scheme !== 'http' && scheme !== 'https') || UNSAFE_CHARS.test(value)) return false;
  // Exactly two slashes then a host: the parser would also accept `https:\\x` and `https:///x`.
  if (!/^[a-z]+:\/\/[^/\\]/i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** A web URL, or an app link `scheme://…` whose scheme the operator allowed (FTF_APP_URL_SCHEMES). */
export function isAllowedAppUrl(value: string, appSchemes: readonly string[]): boolean {
  if (isWebUrl(value)) return true;
  const scheme = schemeOf(value);
  if (!scheme || SCRIPT_SCHEMES.has(scheme) || !appSchemes.includes(scheme) || UNSAFE_CHARS.test(value)) return false;
  return value.slice(scheme.length + 1).startsWith('//') && value.length > scheme.length + 3;
}

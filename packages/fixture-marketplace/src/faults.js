// @ts-check
// Fault injection: rules matched against the request path (`/a/b?x=1`), first added first served.

/**
 * @typedef {{ type: 'status', status: number, headers?: Record<string, string>, body?: string, retryAfter?: number | string }
 *   | { type: 'delay', ms: number }
 *   | { type: 'reset' }
 *   | { type: 'malformed' }
 *   | { type: 'challenge' }
 *   | { type: 'redirect', location: string, status?: 301 | 302 | 303 | 307 | 308 }
 *   | { type: 'oversized-image', bytes: number }
 *   | { type: 'decompression-bomb', width?: number, height?: number }
 *   | { type: 'wrong-content-type', contentType: string }} Fault
 */
/** @typedef {{ match: string | RegExp, times?: number, fault: Fault }} FaultRule */
/** @typedef {{ remove(): void, readonly hits: number, readonly remaining: number }} FaultHandle */

const TYPES = [
  'status',
  'delay',
  'reset',
  'malformed',
  'challenge',
  'redirect',
  'oversized-image',
  'decompression-bomb',
  'wrong-content-type',
];

/** @param {unknown} fault @returns {Fault} */
function checkFault(fault) {
  if (!fault || typeof fault !== 'object') throw new TypeError('fault must be an object with a type');
  const f = /** @type {Record<string, unknown>} */ (fault);
  if (typeof f.type !== 'string' || !TYPES.includes(f.type)) {
    throw new TypeError(`fault.type must be one of ${TYPES.join(', ')}, got ${String(f.type)}`);
  }
  const int = (/** @type {string} */ name, /** @type {number} */ min, /** @type {number} */ max) => {
    const v = f[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`fault.${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
    }
  };
  if (f.type === 'status') int('status', 100, 599);
  if (f.type === 'delay') int('ms', 0, 600_000);
  if (f.type === 'oversized-image') int('bytes', 1, 1 << 30);
  if (f.type === 'redirect' && (typeof f.location !== 'string' || f.location === '')) {
    throw new TypeError('fault.location must be a URL string');
  }
  if (
    f.type === 'redirect' &&
    f.status !== undefined &&
    ![301, 302, 303, 307, 308].includes(/** @type {number} */ (f.status))
  ) {
    throw new RangeError(`fault.status of a redirect must be 301, 302, 303, 307 or 308, got ${String(f.status)}`);
  }
  if (f.type === 'wrong-content-type' && typeof f.contentType !== 'string') {
    throw new TypeError('fault.contentType must be a string');
  }
  return /** @type {Fault} */ (fault);
}

export class Faults {
  constructor() {
    /** @type {{ match: string | RegExp, remaining: number, hits: number, fault: Fault }[]} */
    this.rules = [];
  }

  /**
   * Adds a rule; `times` (default Infinity) bounds how many requests it affects.
   * @param {FaultRule} rule
   * @returns {FaultHandle}
   */
  add(rule) {
    if (!rule || typeof rule !== 'object') throw new TypeError('faults.add expects { match, times?, fault }');
    const { match, times = Number.POSITIVE_INFINITY } = rule;
    if (!(typeof match === 'string' && match.startsWith('/')) && !(match instanceof RegExp)) {
      throw new TypeError('match must be a path prefix starting with "/" or a RegExp');
    }
    if (typeof times !== 'number' || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${String(times)}`);
    }
    const entry = { match, remaining: times, hits: 0, fault: checkFault(rule.fault) };
    this.rules.push(entry);
    const rules = this.rules;
    return {
      remove() {
        const i = rules.indexOf(entry);
        if (i >= 0) rules.splice(i, 1);
      },
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
    };
  }

  clear() {
    this.rules.length = 0;
  }

  /** The fault for this request path, consuming one use. @param {string} path @returns {Fault | undefined} */
  take(path) {
    const i = this.rules.findIndex((r) =>
      typeof r.match === 'string' ? path.startsWith(r.match) : r.match.test(path),
    );
    const rule = this.rules[i];
    if (!rule) return undefined;
    rule.hits++;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(i, 1);
    return rule.fault;
  }
}

export const CHALLENGE_HTML = `<!DOCTYPE html>
<html lang="en-US">
<head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head>
<body>
<div class="main-wrapper" role="main">
<h1>Verifying you are human. This may take a few seconds.</h1>
<p>www.example-marketplace.test needs to review the security of your connection before proceeding.</p>
<noscript>Enable JavaScript and cookies to continue</noscript>
</div>
</body>
</html>
`;

import { z } from 'zod';

// Parsers of ingest's settings (JSON config-file values): each takes the raw value (undefined when absent),
// applies the default and says what was expected in the words the README uses.

interface Problem {
  message: string;
  /** Below the setting, e.g. `['size']` for `query.size`. */
  path?: string[];
}

/** A value that is not what the setting expects; each problem becomes `<setting>[.<path>]: <message>`. */
class Invalid extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.problems = problems;
  }
}

/** A zod schema from a plain function that returns the parsed value or throws `fail(message)`. */
export const rule = <T>(parse: (value: unknown) => T) =>
  z.unknown().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      for (const problem of error.problems) ctx.addIssue({ code: 'custom', ...problem });
      return z.NEVER;
    }
  });

export const fail = (message: string): never => {
  throw new Invalid([{ message }]);
};

/** Several problems at once (e.g. one per bad entry of an object). */
export const failAll = (problems: Problem[]): never => {
  throw new Invalid(problems);
};

function textOf(value: unknown, fallback: string | undefined): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') return fail('expected a non-empty string');
  return value.trim();
}

/** Non-blank text, trimmed; absent → `fallback`, or required when there is none. */
export const text = (fallback?: string, check?: (text: string) => void) =>
  rule((value) => {
    const result = textOf(value, fallback);
    check?.(result);
    return result;
  });

/** Like `text`, but absent stays undefined. */
export const optionalText = (check?: (text: string) => void) =>
  rule((value) => {
    if (value === undefined) return undefined;
    const result = textOf(value, undefined);
    check?.(result);
    return result;
  });

function checkHttpUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') fail(`expected an http(s) URL, got "${text}"`);
}

export const httpUrl = (fallback?: string) => text(fallback, checkHttpUrl);
export const optionalHttpUrl = optionalText(checkHttpUrl);

/** Text matching `pattern`, else `message`. */
export const matching = (fallback: string | undefined, pattern: RegExp, message: (text: string) => string) =>
  text(fallback, (t) => {
    if (!pattern.test(t)) fail(message(t));
  });

function integerOf(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return fail(`expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

export const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  rule((value) => (value === undefined ? fallback : integerOf(value, min, max)));

export const optionalInteger = (min: number, max: number) =>
  rule((value) => (value === undefined ? undefined : integerOf(value, min, max)));

export const boolean = (fallback: boolean) =>
  rule((value) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') return fail('expected true or false');
    return value;
  });

export const oneOf = <T extends string>(fallback: T, allowed: readonly T[]) =>
  rule((value): T => {
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value.trim())) return value.trim() as T;
    return fail(`expected one of ${allowed.join(', ')}`);
  });

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

import { describe, isRecord } from './fields.js';

/** `"keys: a, b, c"` of an object: errors name what *was* there, so shape drift is quick to diagnose. */
export const keysOf = (value: unknown): string =>
  isRecord(value) ? `keys: ${Object.keys(value).join(', ') || 'none'}` : describe(value);

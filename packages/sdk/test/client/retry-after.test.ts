import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/index.js';

describe('parseRetryAfter', () => {
  it('reads delay-seconds (with a fraction) and HTTP dates relative to now', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 1.5 ')).toBe(1500);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(new Date(12_000).toUTCString(), 5_000)).toBe(7_000);
  });

  it('gives a negative wait for a date in the past, and undefined for nothing or nonsense', () => {
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 5_000)).toBe(-4_000);
    for (const value of [undefined, null, '', 'soon', '-1', '0x10', '1e3'])
      expect(parseRetryAfter(value)).toBeUndefined();
  });
});

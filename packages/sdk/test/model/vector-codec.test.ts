import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeVector, encodeVector, VectorFormatError } from '../../src/api/index.js';
import { cosineSimilarity, l2Normalize } from '../../src/model/index.js';

const seeded = (n: number, seed: number) => {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
};

describe('vector wire codec', () => {
  it('round-trips float32 exactly and float16 to cosine > 0.99999', () => {
    const v = l2Normalize(seeded(768, 7));
    expect(Array.from(decodeVector(encodeVector(v, 'float32')))).toEqual(Array.from(v));
    expect(cosineSimilarity(decodeVector(encodeVector(v)), v)).toBeGreaterThan(0.99999);
  });

  it('keeps a 768-d query compact: float16 base64 is 2 048 characters', () => {
    const wire = encodeVector(l2Normalize(seeded(768, 3)));
    expect(wire).toMatchObject({ dtype: 'float16' });
    expect((wire as { base64: string }).base64.length).toBe(2048);
  });

  it('handles float16 edge values (zero, subnormal, max, infinity, NaN)', () => {
    const values = [0, -0, 6e-8, 65504, 70000, -1, 0.333251953125, Number.NaN];
    const decoded = Array.from(decodeVector(encodeVector(values)));
    expect(decoded.slice(0, 2)).toEqual([0, -0]);
    expect(decoded[2]).toBeCloseTo(5.96e-8, 9);
    expect(decoded.slice(3, 7)).toEqual([65504, Number.POSITIVE_INFINITY, -1, 0.333251953125]);
    expect(decoded[7]).toBeNaN();
  });

  it('matches the platform base64', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) % 256);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
  });

  it.each([
    [{ dtype: 'float64', base64: 'AAAA' }, 'vector.dtype'],
    [{ dtype: 'float16', base64: 'A$==' }, 'vector.base64'],
    [{ dtype: 'float32', base64: 'AAAAAAA=' }, 'vector.base64'],
    [{ dtype: 'float16', base64: 42 }, 'vector.base64'],
  ])('rejects %j naming %s', (input, field) => {
    try {
      decodeVector(input as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(VectorFormatError);
      expect((error as VectorFormatError).field).toBe(field);
    }
  });
});

import { normalize } from '../../bench/synthetic.js';
import type { NormalizedUpsert } from '../../src/store/types.js';

let serial = 0;

/** A valid listing; every field overridable. */
export function item(vector: Float32Array, overrides: Partial<NormalizedUpsert> = {}): NormalizedUpsert {
  serial++;
  return {
    source: 'test',
    externalId: `ext-${serial}`,
    title: `Item ${serial}`,
    description: null,
    brand: 'Acme',
    size: 'M',
    category: 'Jackets',
    condition: 'good',
    conditionRaw: 'Good condition',
    price: { amount: 1000, currency: 'EUR' },
    url: `https://example.com/items/${serial}`,
    appUrl: null,
    imageUrl: `https://example.com/img/${serial}.jpg`,
    imageHash: null,
    vector,
    ...overrides,
  };
}

/** A unit vector at angle `theta` from e0 in the e0/e1 plane: cosine to e0 is exactly cos(theta). */
export function atAngle(dim: number, theta: number): Float32Array {
  const v = new Float32Array(dim);
  v[0] = Math.cos(theta);
  v[1] = Math.sin(theta);
  return v;
}

export function axis(dim: number, i: number): Float32Array {
  const v = new Float32Array(dim);
  v[i] = 1;
  return v;
}

export function randomUnit(dim: number, random: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = random() - 0.5;
  return normalize(v);
}

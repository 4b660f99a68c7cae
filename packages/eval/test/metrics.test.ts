import { describe, expect, it } from 'vitest';
import { firstRelevantRank, latencySummary, percentile, qualityMetrics } from '../src/metrics.js';

describe('firstRelevantRank', () => {
  it('is the 1-based position of the first result showing a relevant item', () => {
    expect(firstRelevantRank(['a', 'b', 'c'], new Set(['a']))).toBe(1);
    expect(firstRelevantRank(['x', 'y', 'b', 'a'], new Set(['a', 'b']))).toBe(3);
    expect(firstRelevantRank(['x', 'y'], new Set(['a']))).toBeUndefined();
    expect(firstRelevantRank([], new Set(['a']))).toBeUndefined();
  });

  it('counts any photo of the item (several gallery photos share an item id)', () => {
    expect(firstRelevantRank(['p', 'item7', 'item7'], new Set(['item7']))).toBe(2);
  });
});

describe('qualityMetrics', () => {
  it('matches a hand-computed case', () => {
    // Ranks 1, 3, 7, 15, none: recall@1 = 1/5, @5 = 2/5, @10 = 3/5, @20 = 4/5;
    // MRR = (1 + 1/3 + 1/7 + 1/15 + 0) / 5 = (105 + 35 + 15 + 7) / 105 / 5 = 162 / 525.
    const m = qualityMetrics([1, 3, 7, 15, undefined]);
    expect(m.queries).toBe(5);
    expect(m.recall).toEqual({ '1': 0.2, '5': 0.4, '10': 0.6, '20': 0.8 });
    expect(m.mrr).toBeCloseTo(162 / 525, 12);
  });

  it('is 1 everywhere when every query is answered first, 0 when none is found', () => {
    expect(qualityMetrics([1, 1])).toEqual({ queries: 2, recall: { '1': 1, '5': 1, '10': 1, '20': 1 }, mrr: 1 });
    expect(qualityMetrics([undefined])).toEqual({ queries: 1, recall: { '1': 0, '5': 0, '10': 0, '20': 0 }, mrr: 0 });
  });

  it('puts a rank exactly at a cut-off inside it, and truncates MRR at 20', () => {
    const m = qualityMetrics([5, 10, 20, 21]);
    expect(m.recall).toEqual({ '1': 0, '5': 0.25, '10': 0.5, '20': 0.75 });
    expect(m.mrr).toBeCloseTo((1 / 5 + 1 / 10 + 1 / 20) / 4, 12);
  });

  it('rejects no queries and impossible ranks', () => {
    expect(() => qualityMetrics([])).toThrow(/at least one query/);
    expect(() => qualityMetrics([0])).toThrow(/integer ≥ 1/);
    expect(() => qualityMetrics([1.5])).toThrow(/integer ≥ 1/);
  });
});

describe('percentile', () => {
  it('interpolates linearly between closest ranks (numpy default)', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
    // position (5 - 1) × 0.95 = 3.8 → 40 + 0.8 × (50 - 40)
    expect(percentile(values, 95)).toBeCloseTo(48, 12);
    // unsorted input, even count: position 1.5 → 2 + 0.5 × (3 - 2)
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([7], 95)).toBe(7);
  });

  it('rejects no values and out-of-range percentiles', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
    expect(() => percentile([1], Number.NaN)).toThrow(/0\.\.100/);
  });

  it('summarises latencies as p50, p95 and mean', () => {
    const s = latencySummary([10, 20, 30, 40]);
    expect(s.p50).toBe(25);
    expect(s.p95).toBeCloseTo(38.5, 9); // position 3 × 0.95 = 2.85 → 30 + 0.85 × 10
    expect(s.mean).toBe(25);
  });
});

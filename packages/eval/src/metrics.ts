/** The cut-offs every report shows. The search asks for the largest, so it bounds MRR too (MRR@20). */
export const RECALL_KS = [1, 5, 10, 20] as const;
export const MAX_K = 20;

/**
 * 1-based rank of the first result whose item is relevant, or `undefined` when none of them is.
 * With several photos per item this is DeepFashion's "top-k retrieval accuracy": any photo of the item counts.
 */
export function firstRelevantRank(resultItems: readonly string[], relevant: ReadonlySet<string>): number | undefined {
  const index = resultItems.findIndex((item) => relevant.has(item));
  return index === -1 ? undefined : index + 1;
}

export interface QualityMetrics {
  queries: number;
  /** Fraction of queries with a relevant result in the top k, per k in RECALL_KS. */
  recall: Record<`${(typeof RECALL_KS)[number]}`, number>;
  /** Mean reciprocal rank of the first relevant result, 0 for a query with none in the top MAX_K. */
  mrr: number;
}

/** recall@k and MRR from each query's first relevant rank (`undefined`: not found in the top MAX_K). */
export function qualityMetrics(ranks: readonly (number | undefined)[]): QualityMetrics {
  if (ranks.length === 0) throw new RangeError('qualityMetrics needs at least one query');
  for (const r of ranks) {
    if (r !== undefined && (!Number.isInteger(r) || r < 1))
      throw new RangeError(`rank must be an integer ≥ 1, got ${r}`);
  }
  const recallAt = (k: number) => ranks.filter((r) => r !== undefined && r <= k).length / ranks.length;
  const reciprocal = ranks.map((r) => (r !== undefined && r <= MAX_K ? 1 / r : 0));
  return {
    queries: ranks.length,
    recall: { '1': recallAt(1), '5': recallAt(5), '10': recallAt(10), '20': recallAt(20) },
    mrr: reciprocal.reduce((a, b) => a + b, 0) / ranks.length,
  };
}

/** Percentile `p` (0..100) with linear interpolation between closest ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface LatencySummary {
  p50: number;
  p95: number;
  mean: number;
}

export function latencySummary(ms: readonly number[]): LatencySummary {
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    mean: ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length),
  };
}

import { twoSidedP } from './normal.js';
import { averageRanks } from './ranks.js';

export interface MannWhitneyResult {
  /** U of the first sample: the number of (x, y) pairs with x > y, ties counting one half. */
  u1: number;
  u2: number;
  /** The smaller of the two, the one tables list. */
  u: number;
  z: number;
  /** Two-sided p-value by the normal approximation. */
  p: number;
}

/**
 * Mann-Whitney U test (Wilcoxon rank-sum), two-sided, by the normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5 — the same as SciPy's
 * `mannwhitneyu(x, y, method="asymptotic", use_continuity=True)`. With fewer than ~8 per group the
 * approximation is coarse (it errs on the conservative side), which the report says next to p.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs two non-empty samples');
  const { ranks, tieGroupSizes } = averageRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < n1; i++) rankSumX += ranks[i] as number;
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const tieTerm = tieGroupSizes.reduce((sum, t) => sum + (t ** 3 - t), 0);
  const variance = ((n1 * n2) / 12) * ((n + 1) - tieTerm / (n * (n - 1)));
  if (variance <= 0) {
    // Every value tied: no evidence of any difference.
    return { u1, u2, u: Math.min(u1, u2), z: 0, p: 1 };
  }
  const distance = Math.max(0, Math.abs(u1 - meanU) - 0.5);
  const z = Math.sign(u1 - meanU) * (distance / Math.sqrt(variance));
  return { u1, u2, u: Math.min(u1, u2), z, p: twoSidedP(z) };
}

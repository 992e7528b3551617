export type EffectMagnitude = 'negligible' | 'small' | 'medium' | 'large';

export interface EffectSize {
  /** Cliff's delta of tuned against baseline: P(tuned > baseline) - P(tuned < baseline), in -1..1. */
  cliffsDelta: number;
  magnitude: EffectMagnitude;
}

/**
 * Cliff's delta, a rank effect size that needs no distribution assumption and reads directly as
 * "how often is a tuned value above a baseline one". Equal to the rank-biserial correlation.
 */
export function cliffsDelta(baseline: readonly number[], tuned: readonly number[]): EffectSize {
  if (baseline.length === 0 || tuned.length === 0) throw new RangeError("Cliff's delta needs two non-empty samples");
  let greater = 0;
  let less = 0;
  for (const t of tuned) {
    for (const b of baseline) {
      if (t > b) greater++;
      else if (t < b) less++;
    }
  }
  const delta = (greater - less) / (baseline.length * tuned.length);
  return { cliffsDelta: delta, magnitude: magnitudeOf(delta) };
}

/** Thresholds of Romano et al. (2006), the ones usually quoted for Cliff's delta. */
export function magnitudeOf(delta: number): EffectMagnitude {
  const size = Math.abs(delta);
  if (size < 0.147) return 'negligible';
  if (size < 0.33) return 'small';
  if (size < 0.474) return 'medium';
  return 'large';
}

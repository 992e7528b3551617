import { describe, expect, it } from 'vitest';
import { cliffsDelta, magnitudeOf } from '../../../harness/stats/effect-size.js';

describe("Cliff's delta", () => {
  it('is +1 when every tuned value is above every baseline one, -1 when below', () => {
    expect(cliffsDelta([1, 2, 3], [4, 5, 6]).cliffsDelta).toBe(1);
    expect(cliffsDelta([4, 5, 6], [1, 2, 3]).cliffsDelta).toBe(-1);
  });

  it('counts ties as neither (hand-computed: (6 - 1) / 9)', () => {
    const effect = cliffsDelta([1, 2, 3], [2, 3, 4]);
    expect(effect.cliffsDelta).toBeCloseTo(5 / 9, 12);
    expect(effect.magnitude).toBe('large');
  });

  it('names magnitudes by the Romano et al. thresholds', () => {
    expect(magnitudeOf(0.1)).toBe('negligible');
    expect(magnitudeOf(-0.2)).toBe('small');
    expect(magnitudeOf(0.4)).toBe('medium');
    expect(magnitudeOf(-0.9)).toBe('large');
  });
});

import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../../harness/stats/mann-whitney.js';
import { normalCdf, twoSidedP } from '../../../harness/stats/normal.js';
import { averageRanks } from '../../../harness/stats/ranks.js';

describe('normal distribution', () => {
  it('matches table values of the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
  });
});

describe('average ranks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    expect(averageRanks([1, 2, 2, 2, 3, 3, 4, 4]).ranks).toEqual([1, 3, 3, 3, 5.5, 5.5, 7.5, 7.5]);
    expect(averageRanks([1, 2, 2, 2, 3, 3, 4, 4]).tieGroupSizes).toEqual([1, 3, 2, 2]);
  });
});

describe('Mann-Whitney U', () => {
  it('completely separated groups of five: U = 0, z = -2.507, p = 0.0122 (hand-computed, equals SciPy asymptotic)', () => {
    // mean U = 12.5, var = 25/12 * 11 = 22.9167; z = -(12.5 - 0.5) / 4.7871
    const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result.u1).toBe(0);
    expect(result.u2).toBe(25);
    expect(result.z).toBeCloseTo(-2.5067, 4);
    expect(result.p).toBeCloseTo(0.01219, 4);
  });

  it('applies the tie correction (hand-computed example)', () => {
    // Ranks of x = 1, 3, 3, 5.5 -> R = 12.5, U1 = 2.5; ties (3, 2, 2) -> sum(t^3 - t) = 36
    // var = 16/12 * (9 - 36/56) = 11.142857; z = -(5.5 - 0.5) / 3.338092 = -1.49786
    const result = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 4]);
    expect(result.u1).toBe(2.5);
    expect(result.u).toBe(2.5);
    expect(result.z).toBeCloseTo(-1.49786, 4);
    expect(result.p).toBeCloseTo(0.13418, 3);
  });

  it('is symmetric in its arguments', () => {
    const a = mannWhitneyU([12, 15, 11, 19], [22, 14, 25, 28, 30]);
    const b = mannWhitneyU([22, 14, 25, 28, 30], [12, 15, 11, 19]);
    expect(a.p).toBeCloseTo(b.p, 12);
    expect(a.z).toBeCloseTo(-b.z, 12);
  });

  it('gives p = 1 when every value is tied', () => {
    expect(mannWhitneyU([0, 0, 0], [0, 0, 0]).p).toBe(1);
  });

  it('gives p = 1 for identical samples', () => {
    expect(mannWhitneyU([1, 2, 3], [1, 2, 3]).p).toBe(1);
  });
});

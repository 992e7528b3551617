import { describe, expect, it } from 'vitest';
import { bootstrapMedianCI, bootstrapMedianDifferenceCI } from '../../../harness/stats/bootstrap.js';
import { seededRandom, seedFromString } from '../../../harness/stats/random.js';

describe('seeded random numbers', () => {
  it('repeats the same stream for the same seed, and stays within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });

  it('spreads evenly enough for resampling (mean near 0.5)', () => {
    const random = seededRandom(7);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += random();
    expect(sum / 20000).toBeCloseTo(0.5, 2);
  });

  it('derives stable seeds from names', () => {
    expect(seedFromString('net-backlog/connect_p99_ms')).toBe(seedFromString('net-backlog/connect_p99_ms'));
    expect(seedFromString('a')).not.toBe(seedFromString('b'));
  });
});

describe('bootstrap confidence intervals', () => {
  const baseline = [2031, 1984, 2110, 2050, 1990];
  const tuned = [861, 790, 830, 805, 842];

  it('is reproducible with the same seed', () => {
    expect(bootstrapMedianCI(baseline, { seed: 1 })).toEqual(bootstrapMedianCI(baseline, { seed: 1 }));
  });

  it('brackets the median and stays within the sample range', () => {
    const ci = bootstrapMedianCI(baseline);
    expect(ci.low).toBeLessThanOrEqual(2031);
    expect(ci.high).toBeGreaterThanOrEqual(2031);
    expect(ci.low).toBeGreaterThanOrEqual(1984);
    expect(ci.high).toBeLessThanOrEqual(2110);
    expect(ci.level).toBe(0.95);
  });

  it('collapses to the value for a constant sample', () => {
    expect(bootstrapMedianCI([5, 5, 5, 5])).toMatchObject({ low: 5, high: 5 });
  });

  it('narrows as the level drops', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i * 37) % 101);
    const wide = bootstrapMedianCI(values, { level: 0.99 });
    const narrow = bootstrapMedianCI(values, { level: 0.5 });
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('puts the difference of medians of clearly separated samples away from zero', () => {
    const diff = bootstrapMedianDifferenceCI(baseline, tuned);
    expect(diff.estimate).toBe(830 - 2031);
    expect(diff.high).toBeLessThan(0);
    expect(diff.low).toBeGreaterThanOrEqual(790 - 2110);
  });

  it('includes zero for samples drawn alike', () => {
    const diff = bootstrapMedianDifferenceCI([10, 12, 11, 13, 9], [11, 10, 12, 9, 13]);
    expect(diff.low).toBeLessThanOrEqual(0);
    expect(diff.high).toBeGreaterThanOrEqual(0);
  });

  it('refuses empty samples', () => {
    expect(() => bootstrapMedianCI([])).toThrow(RangeError);
    expect(() => bootstrapMedianDifferenceCI([1], [])).toThrow(RangeError);
  });
});

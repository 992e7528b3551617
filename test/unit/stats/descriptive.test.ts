import { describe, expect, it } from 'vitest';
import { max, mean, median, min, percentile, percentiles } from '../../../harness/stats/descriptive.js';

describe('descriptive statistics', () => {
  it('takes the middle value of an odd sample and the mean of the two middle ones of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates percentiles linearly between closest ranks (R type 7, NumPy default)', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 12);
    expect(percentile([15, 20, 35, 40, 50], 0)).toBe(15);
    expect(percentile([15, 20, 35, 40, 50], 100)).toBe(50);
    expect(percentiles([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], [50, 90, 99])).toEqual([55, 91, expect.closeTo(99.1, 9)]);
  });

  it('does not reorder the caller\'s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty sample and a percentile outside 0..100', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('computes mean, min and max', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(min([3, -1, 2])).toBe(-1);
    expect(max([3, -1, 2])).toBe(3);
  });
});

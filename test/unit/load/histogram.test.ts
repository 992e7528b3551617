import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bucketBounds, bucketIndex, HISTOGRAM_LAYOUT, histogramJson, histogramOf, HistogramSchema, mergeHistograms, percentileMs, percentileUs,
} from '../../../harness/load/histogram.js';

/**
 * The vectors loadgen's Go tests generate and check (images/loadgen/testdata/histogram-vectors.json):
 * the same values must land in the same buckets and give the same percentiles on both sides.
 */
interface Vectors {
  layout: unknown;
  percentiles: number[];
  indices: { value_us: number; index: number; lower_us: number; width_us: number }[];
  cases: { name: string; parts: number[][]; histogram: unknown; percentiles_us: number[] }[];
}
const vectors = JSON.parse(readFileSync(new URL('../../../images/loadgen/testdata/histogram-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('histogram shared with loadgen', () => {
  it('has the layout loadgen writes', () => {
    expect(vectors.layout).toEqual(HISTOGRAM_LAYOUT);
  });

  it('puts values in the same buckets', () => {
    expect(vectors.indices.length).toBeGreaterThan(10);
    for (const v of vectors.indices) {
      expect(bucketIndex(v.value_us), `value ${v.value_us}`).toBe(v.index);
      expect(bucketBounds(v.index)).toEqual({ lowerUs: v.lower_us, widthUs: v.width_us });
    }
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s: same histogram and percentiles, merged or whole', (_name, c) => {
    const merged = mergeHistograms(c.parts.map((part) => histogramOf(part)));
    expect(histogramJson(merged)).toEqual(c.histogram);
    expect(histogramOf(c.parts.flat())).toEqual(merged);
    expect(vectors.percentiles.map((p) => percentileUs(merged, p))).toEqual(c.percentiles_us);
    // What loadgen's JSON reads back to.
    expect(HistogramSchema.parse(c.histogram)).toEqual(merged);
  });
});

describe('histogram', () => {
  it('tiles the range with buckets at most 1/128 wide', () => {
    let next = 0;
    for (let i = 0; i < HISTOGRAM_LAYOUT.buckets; i += 1) {
      const { lowerUs, widthUs } = bucketBounds(i);
      expect(lowerUs).toBe(next);
      if (lowerUs >= 128) expect(widthUs / lowerUs).toBeLessThanOrEqual(1 / 128);
      expect(bucketIndex(lowerUs + widthUs - 1)).toBe(i);
      next = lowerUs + widthUs;
    }
    expect(next).toBe(2 ** 36);
  });

  it('gives percentiles within 1/256 of the exact nearest rank', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const values = Array.from({ length: 5000 }, () => Math.floor(Math.exp(random() * 20)));
    const sorted = [...values].sort((a, b) => a - b);
    const h = histogramOf(values);
    for (const p of [1, 50, 90, 99, 99.9]) {
      const exact = sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1]!;
      expect(Math.abs(percentileUs(h, p) - exact)).toBeLessThanOrEqual(Math.max(1, exact / 256));
    }
    expect(percentileUs(h, 100)).toBe(sorted.at(-1));
    expect(percentileMs(h, 100)).toBe(sorted.at(-1)! / 1000);
  });

  it('refuses JSON that is not of the layout or does not add up', () => {
    expect(HistogramSchema.safeParse({ count: 2, sum_us: 0, min_us: 0, max_us: 0, buckets: [[0, 1]] }).success).toBe(false);
    expect(HistogramSchema.safeParse({ count: 1, sum_us: 0, min_us: 0, max_us: 0, buckets: [[3840, 1]] }).success).toBe(false);
    expect(HistogramSchema.safeParse({ count: 2, sum_us: 0, min_us: 0, max_us: 0, buckets: [[5, 1], [4, 1]] }).success).toBe(false);
    expect(percentileUs(histogramOf([]), 99)).toBe(0);
  });
});

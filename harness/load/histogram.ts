import { z } from 'zod';

/**
 * loadgen's histogram (images/loadgen/histogram.go) in TypeScript: the same fixed log-linear layout
 * of durations in whole microseconds, so that the summaries of several load generators merge
 * exactly (counts and sums add) and percentiles of a merge come from the merged buckets, never
 * from an average of percentiles. Both sides are checked against
 * images/loadgen/testdata/histogram-vectors.json.
 *
 * Layout: a value below 128 µs has a bucket of its own; above, each power of two [2^e, 2^(e+1)) is
 * cut into 128 buckets of width 2^(e-7). A percentile reports its bucket's midpoint clamped to the
 * exact min and max, within 1/256 (0.4 %) of a value of that rank (or 1 µs, below 256 µs); the
 * last rank is the exact max. Values at or above 2^36 µs share the last bucket.
 */

export const HISTOGRAM_LAYOUT = { name: 'log-linear', unit: 'us', sub_bucket_bits: 7, buckets: 3840 } as const;
const SUB_BUCKETS = 2 ** HISTOGRAM_LAYOUT.sub_bucket_bits;
const MAX_VALUE_US = 2 ** 36 - 1;

/** Exact count, sum, min and max, and the non-empty buckets as [index, count], ascending. */
export interface Histogram {
  readonly count: number;
  readonly sumUs: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly buckets: readonly (readonly [number, number])[];
}

export const EMPTY_HISTOGRAM: Histogram = { count: 0, sumUs: 0, minUs: 0, maxUs: 0, buckets: [] };

const count = z.number().int().nonnegative();

export const HistogramLayoutSchema = z.object({
  name: z.literal(HISTOGRAM_LAYOUT.name),
  unit: z.literal(HISTOGRAM_LAYOUT.unit),
  sub_bucket_bits: z.literal(HISTOGRAM_LAYOUT.sub_bucket_bits),
  buckets: z.literal(HISTOGRAM_LAYOUT.buckets),
});

/** The JSON form loadgen writes, checked (indices in the layout and ascending, counts adding up) and read into a Histogram. */
export const HistogramSchema = z.object({
  count,
  sum_us: count,
  min_us: count,
  max_us: count,
  buckets: z.array(z.tuple([count.max(HISTOGRAM_LAYOUT.buckets - 1), count.min(1)])),
}).superRefine((h, ctx) => {
  let total = 0;
  let previous = -1;
  for (const [index, n] of h.buckets) {
    if (index <= previous) ctx.addIssue({ code: 'custom', path: ['buckets'], message: `bucket ${index} after ${previous}: indices must ascend` });
    previous = index;
    total += n;
  }
  if (total !== h.count) ctx.addIssue({ code: 'custom', path: ['count'], message: `the buckets hold ${total} values, count says ${h.count}` });
  if (h.count > 0 && h.min_us > h.max_us) ctx.addIssue({ code: 'custom', path: ['min_us'], message: 'min_us above max_us' });
}).transform((h): Histogram => ({ count: h.count, sumUs: h.sum_us, minUs: h.min_us, maxUs: h.max_us, buckets: h.buckets }));

/** The bucket of a value in µs (whole, non-negative). */
export function bucketIndex(us: number): number {
  const v = Math.min(Math.max(0, Math.floor(us)), MAX_VALUE_US);
  if (v < SUB_BUCKETS) return v;
  const shift = floorLog2(v) - HISTOGRAM_LAYOUT.sub_bucket_bits;
  return shift * SUB_BUCKETS + Math.floor(v / 2 ** shift);
}

/** floor(log2(v)) for a whole v ≥ 1, exact (Math.log2 may round across a power of two). */
function floorLog2(v: number): number {
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e -= 1;
  else if (2 ** (e + 1) <= v) e += 1;
  return e;
}

/** A bucket's lowest value and width, in µs. */
export function bucketBounds(index: number): { lowerUs: number; widthUs: number } {
  if (index < 2 * SUB_BUCKETS) return { lowerUs: index, widthUs: 1 };
  const shift = Math.floor(index / SUB_BUCKETS) - 1;
  const sub = index - shift * SUB_BUCKETS;
  return { lowerUs: sub * 2 ** shift, widthUs: 2 ** shift };
}

/** A histogram of values in µs (truncated to whole µs, as loadgen does). */
export function histogramOf(valuesUs: Iterable<number>): Histogram {
  const counts = new Map<number, number>();
  let n = 0;
  let sum = 0;
  let min = 0;
  let max = 0;
  for (const raw of valuesUs) {
    const us = Math.min(Math.max(0, Math.floor(raw)), Number.MAX_SAFE_INTEGER);
    const index = bucketIndex(us);
    counts.set(index, (counts.get(index) ?? 0) + 1);
    if (n === 0 || us < min) min = us;
    if (us > max) max = us;
    n += 1;
    sum += us;
  }
  return { count: n, sumUs: sum, minUs: min, maxUs: max, buckets: sortedBuckets(counts) };
}

/** The exact merge: bucket counts, count and sum add; min and max are the extremes. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const counts = new Map<number, number>();
  let n = 0;
  let sum = 0;
  let min = 0;
  let max = 0;
  for (const h of histograms) {
    if (h.count === 0) continue;
    for (const [index, c] of h.buckets) counts.set(index, (counts.get(index) ?? 0) + c);
    if (n === 0 || h.minUs < min) min = h.minUs;
    if (h.maxUs > max) max = h.maxUs;
    n += h.count;
    sum += h.sumUs;
  }
  return { count: n, sumUs: sum, minUs: min, maxUs: max, buckets: sortedBuckets(counts) };
}

function sortedBuckets(counts: Map<number, number>): [number, number][] {
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Nearest-rank percentile in µs: rank ceil(p·count/100), at least 1, reported as its bucket's
 * midpoint clamped to [min, max]; the last rank is the exact max; 0 for an empty histogram.
 * The same expression, in the same order, as loadgen's percentileUs.
 */
export function percentileUs(h: Histogram, p: number): number {
  if (h.count === 0) return 0;
  const rank = Math.max(1, Math.ceil((p * h.count) / 100));
  if (rank >= h.count) return h.maxUs;
  let seen = 0;
  for (const [index, c] of h.buckets) {
    seen += c;
    if (seen >= rank) {
      const { lowerUs, widthUs } = bucketBounds(index);
      const mid = lowerUs + Math.floor(widthUs / 2);
      return Math.min(Math.max(mid, h.minUs), h.maxUs);
    }
  }
  return h.maxUs;
}

/** percentileUs in ms: whole µs / 1000, the same double loadgen prints. */
export function percentileMs(h: Histogram, p: number): number {
  return percentileUs(h, p) / 1000;
}

/** Exact mean in ms (sum / count), 0 when empty. */
export function meanMs(h: Histogram): number {
  return h.count === 0 ? 0 : h.sumUs / h.count / 1000;
}

/** The JSON form, as loadgen writes it. */
export function histogramJson(h: Histogram): { count: number; sum_us: number; min_us: number; max_us: number; buckets: [number, number][] } {
  return { count: h.count, sum_us: h.sumUs, min_us: h.minUs, max_us: h.maxUs, buckets: h.buckets.map(([i, c]) => [i, c]) };
}

/** Descriptive statistics on plain number arrays. Inputs are never mutated. */

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function assertNonEmpty(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

/**
 * The p-th percentile (0..100) by linear interpolation between closest ranks — the method
 * spreadsheets, NumPy's default and R's type 7 use, so numbers match what a reviewer recomputes.
 */
export function percentile(values: readonly number[], p: number): number {
  assertNonEmpty(values, `percentile ${p}`);
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  return percentileOfSorted(sortedCopy(values), p);
}

/** As `percentile`, for callers that already sorted (the bootstrap does, thousands of times). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * (p / 100);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  assertNonEmpty(values, 'percentiles');
  const sorted = sortedCopy(values);
  return ps.map((p) => percentileOfSorted(sorted, p));
}

export function mean(values: readonly number[]): number {
  assertNonEmpty(values, 'mean');
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function min(values: readonly number[]): number {
  assertNonEmpty(values, 'min');
  return values.reduce((a, b) => (b < a ? b : a));
}

export function max(values: readonly number[]): number {
  assertNonEmpty(values, 'max');
  return values.reduce((a, b) => (b > a ? b : a));
}

import { median, percentileOfSorted } from './descriptive.js';
import { seededRandom, type Random } from './random.js';

export interface ConfidenceInterval {
  low: number;
  high: number;
  /** e.g. 0.95 */
  level: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_LEVEL = 0.95;
export const DEFAULT_SEED = 20241125;

function resampleMedian(values: readonly number[], random: Random, scratch: number[]): number {
  const n = values.length;
  for (let i = 0; i < n; i++) scratch[i] = values[Math.floor(random() * n)] as number;
  scratch.sort((a, b) => a - b);
  return percentileOfSorted(scratch, 50);
}

function intervalOf(estimates: number[], level: number): ConfidenceInterval {
  estimates.sort((a, b) => a - b);
  const tail = ((1 - level) / 2) * 100;
  return { low: percentileOfSorted(estimates, tail), high: percentileOfSorted(estimates, 100 - tail), level };
}

function checkSample(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`bootstrap of an empty ${what} sample`);
}

/** Percentile-bootstrap confidence interval of the median. */
export function bootstrapMedianCI(values: readonly number[], options: BootstrapOptions = {}): ConfidenceInterval {
  checkSample(values, 'median');
  const { resamples = DEFAULT_RESAMPLES, level = DEFAULT_LEVEL, seed = DEFAULT_SEED } = options;
  const random = seededRandom(seed);
  const scratch = new Array<number>(values.length);
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) estimates.push(resampleMedian(values, random, scratch));
  return intervalOf(estimates, level);
}

/**
 * Percentile-bootstrap confidence interval of `median(tuned) - median(baseline)`, resampling each
 * group on its own (the two groups are independent runs).
 */
export function bootstrapMedianDifferenceCI(
  baseline: readonly number[],
  tuned: readonly number[],
  options: BootstrapOptions = {},
): ConfidenceInterval & { estimate: number } {
  checkSample(baseline, 'baseline');
  checkSample(tuned, 'tuned');
  const { resamples = DEFAULT_RESAMPLES, level = DEFAULT_LEVEL, seed = DEFAULT_SEED } = options;
  const random = seededRandom(seed);
  const scratchBaseline = new Array<number>(baseline.length);
  const scratchTuned = new Array<number>(tuned.length);
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    estimates.push(resampleMedian(tuned, random, scratchTuned) - resampleMedian(baseline, random, scratchBaseline));
  }
  return { ...intervalOf(estimates, level), estimate: median(tuned) - median(baseline) };
}

import { bootstrapMedianCI, bootstrapMedianDifferenceCI, type BootstrapOptions, type ConfidenceInterval } from './bootstrap.js';
import { median } from './descriptive.js';
import { cliffsDelta, type EffectSize } from './effect-size.js';
import { mannWhitneyU } from './mann-whitney.js';
import type { MetricDirection } from './direction.js';

export type Verdict = 'improved' | 'regressed' | 'no-detectable-change';

export const DEFAULT_ALPHA = 0.05;

export interface SampleSummary {
  n: number;
  median: number;
  ci: ConfidenceInterval;
}

export interface Comparison {
  baseline: SampleSummary;
  tuned: SampleSummary;
  /** median(tuned) - median(baseline), with its bootstrap interval. */
  difference: { estimate: number; ci: ConfidenceInterval };
  /** Relative change of the median, in percent of the baseline median; null when that is 0. */
  changePercent: number | null;
  pValue: number;
  effect: EffectSize;
  verdict: Verdict;
  /** Why the verdict is what it is, in words. */
  reason: string;
}

export interface CompareOptions extends BootstrapOptions {
  alpha?: number;
}

/**
 * Compares the tuned sample with the baseline one. A change is called only when both tests agree:
 * Mann-Whitney p < alpha and the bootstrap interval of the difference of medians excludes zero.
 * Its sign and the metric's direction then say improved or regressed.
 */
export function compareSamples(
  baseline: readonly number[],
  tuned: readonly number[],
  direction: MetricDirection,
  options: CompareOptions = {},
): Comparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const baselineSummary = summarize(baseline, options);
  const tunedSummary = summarize(tuned, options);
  const difference = bootstrapMedianDifferenceCI(baseline, tuned, options);
  const test = mannWhitneyU(tuned, baseline);
  const effect = cliffsDelta(baseline, tuned);
  const changePercent = baselineSummary.median === 0 ? null : (difference.estimate / Math.abs(baselineSummary.median)) * 100;
  const { estimate, ...ci } = difference;
  const base = { baseline: baselineSummary, tuned: tunedSummary, difference: { estimate, ci }, changePercent, pValue: test.p, effect };

  const ciExcludesZero = ci.low > 0 || ci.high < 0;
  const significant = test.p < alpha;
  if (!significant || !ciExcludesZero) {
    const why = !significant
      ? `p = ${formatP(test.p)} is not below ${alpha}`
      : `the ${Math.round(ci.level * 100)}% interval of the difference includes zero`;
    return { ...base, verdict: 'no-detectable-change', reason: why };
  }
  if (direction === 'neutral') {
    return { ...base, verdict: 'no-detectable-change', reason: 'the metric changed, but it has no better direction' };
  }
  const wentUp = estimate > 0;
  const better = direction === 'lower-is-better' ? !wentUp : wentUp;
  return {
    ...base,
    verdict: better ? 'improved' : 'regressed',
    reason: `p = ${formatP(test.p)} < ${alpha} and the ${Math.round(ci.level * 100)}% interval of the difference excludes zero`,
  };
}

function summarize(values: readonly number[], options: BootstrapOptions): SampleSummary {
  return { n: values.length, median: median(values), ci: bootstrapMedianCI(values, options) };
}

export function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

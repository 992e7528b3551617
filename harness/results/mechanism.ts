import { isKernelMetric, KERNEL_COUNTERS, kernelCounter } from '../counters/catalogue.js';
import { formatNumber } from './format.js';
import type { MetricComparison } from './results.js';

/**
 * Why a tuning changed what the client saw, as the kernel counted it in the measured pods' own
 * namespaces: "baseline: 422 accept-queue overflows per repetition; tuned: 0". A counter is cited
 * when it separated the variants completely (every tuned repetition on one side of every baseline
 * one) and their medians differ: a plain fact of the recorded repetitions, which holds with the
 * two or three repetitions of a reduced run, where a significance test cannot. At most two, in
 * the catalogue's order (the listen queue first).
 */
export interface Mechanism {
  /** For the verdict's headline: the first counter. */
  short: string;
  /** For the evidence: every cited counter, with where it was counted. */
  long: string;
  metrics: string[];
}

const order = new Map(KERNEL_COUNTERS.map((counter, index) => [counter.metric, index]));

export function mechanismOf(comparisons: readonly MetricComparison[]): Mechanism | undefined {
  const cited = comparisons
    .filter((c) => isKernelMetric(c.metric) && separated(c.baseline.values, c.tuned.values) && c.baseline.median !== c.tuned.median)
    .sort((a, b) => (order.get(a.metric) ?? 0) - (order.get(b.metric) ?? 0))
    .slice(0, 2);
  const first = cited[0];
  if (!first) return undefined;
  const phrase = (c: MetricComparison) => `${c.baselineVariant}: ${formatNumber(c.baseline.median)} ${kernelCounter(c.metric)?.noun ?? c.metric} per repetition; ${c.variant}: ${formatNumber(c.tuned.median)}`;
  const where = kernelCounter(first.metric)?.namespace === 'ipc' ? 'IPC' : 'network';
  return {
    short: phrase(first),
    long: `the kernel counted it in the pods' own ${where} namespace (median of the repetitions): ${cited.map(phrase).join('; ')}`,
    metrics: cited.map((c) => c.metric),
  };
}

/** True when every value of one sample lies above every value of the other (at least one each). */
function separated(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return Math.max(...a) < Math.min(...b) || Math.max(...b) < Math.min(...a);
}

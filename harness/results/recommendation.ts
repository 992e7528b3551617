import { formatNumber, formatPercent, formatP, formatSysctls, formatWithUnit } from './format.js';
import { sysctlsOfVariant } from './performance.js';
import type { AdmissionCase, IsolationProof, MetricComparison, Outcome, Recommendation, RecommendationItem, WorkloadPerformance } from './results.js';
import type { AdmissionRecord } from './raw.js';

/**
 * Turns the evidence into what to roll out and what not. A tuned variant is recommended only when
 * it was admitted where predicted, no isolation proof about its sysctls failed, at least one metric
 * improved and none regressed. Everything else is listed with the reason it is not.
 */
export function recommend(
  performance: readonly WorkloadPerformance[],
  admissions: readonly AdmissionCase[],
  isolation: readonly IsolationProof[],
  outcome: Pick<Outcome, 'status' | 'reason'>,
): Recommendation {
  const rollOut: RecommendationItem[] = [];
  const doNotRollOut: RecommendationItem[] = [];

  for (const workload of performance) {
    for (const variant of workload.variants) {
      if (variant.variant === workload.baselineVariant) continue;
      const item = judgeVariant(workload, variant.variant, admissions, isolation);
      (item.recommended ? rollOut : doNotRollOut).push(item.item);
    }
  }

  // Tunings that were never measured because no pool admitted them are decisions too.
  const measured = new Set(performance.flatMap((w) => w.variants.map((v) => `${w.workload}\u0000${v.variant}`)));
  for (const a of admissions) {
    const key = `${a.workload}\u0000${a.variant}`;
    if (measured.has(key) || a.observed.outcome === 'admitted' || Object.keys(a.sysctls).length === 0) continue;
    if (doNotRollOut.some((d) => d.workload === a.workload && d.variant === a.variant)) continue;
    doNotRollOut.push({
      workload: a.workload,
      variant: a.variant,
      sysctls: sysctlsOfVariant(admissions as AdmissionRecord[], a.workload, a.variant),
      because: `pods were not admitted (${describeRejection(a)})`,
    });
  }

  return { rollOut, doNotRollOut, summary: summarize(rollOut, doNotRollOut, admissions, outcome) };
}

function judgeVariant(
  workload: WorkloadPerformance,
  variant: string,
  admissions: readonly AdmissionCase[],
  isolation: readonly IsolationProof[],
): { recommended: boolean; item: RecommendationItem } {
  const sysctls = workload.variants.find((v) => v.variant === variant)?.sysctls ?? {};
  const own = admissions.filter((a) => a.workload === workload.workload && a.variant === variant);
  const admittedPools = own.filter((a) => a.observed.outcome === 'admitted').map((a) => a.pool);
  const rejected = own.filter((a) => a.observed.outcome !== 'admitted');
  const mismatched = own.filter((a) => !a.match);
  const failedIsolation = isolation.filter((p) => !p.passed && (p.sysctl in sysctls || p.workload === workload.workload));
  const comparisons = workload.comparisons.filter((c) => c.variant === variant);
  const improved = comparisons.filter((c) => c.verdict === 'improved');
  const regressed = comparisons.filter((c) => c.verdict === 'regressed');
  const base = { workload: workload.workload, variant, sysctls };

  const blockers: string[] = [];
  if (mismatched.length) blockers.push(`admission differed from the prediction on ${mismatched.map((a) => `pool ${a.pool}`).join(', ')}`);
  if (failedIsolation.length) blockers.push(`isolation failed (${failedIsolation.map((p) => p.check).join(', ')})`);
  if (regressed.length) blockers.push(`${regressed.map(describeChange).join('; ')} regressed`);
  if (blockers.length) return { recommended: false, item: { ...base, because: blockers.join('; ') } };
  if (improved.length === 0) {
    return { recommended: false, item: { ...base, because: 'no metric changed detectably, so the kubelet allowance buys nothing measurable' } };
  }

  const pools = admittedPools.length ? ` Admitted on pool ${unique(admittedPools).join(', ')}` : '';
  const caveat = rejected.length
    ? `; rejected where the kubelet does not allow it (${unique(rejected.map((a) => `pool ${a.pool}: ${a.observed.reason ?? a.observed.outcome}`)).join(', ')}), as predicted`
    : '';
  return {
    recommended: true,
    item: { ...base, because: `${describeImprovements(improved)}.${pools}${caveat}${pools || caveat ? '.' : ''}` },
  };
}

export function describeChange(c: MetricComparison): string {
  const ci = c.difference.ci;
  const p = formatP(c.pValue);
  return `${lowerFirst(c.label)} ${formatWithUnit(c.baseline.median, c.unit)} → ${formatWithUnit(c.tuned.median, c.unit)} `
    + `(${formatPercent(c.changePercent)}; ${Math.round(ci.level * 100)}% CI of the difference ${formatWithUnit(ci.low, c.unit)} to ${formatWithUnit(ci.high, c.unit)}; p ${p.startsWith('<') ? p : `= ${p}`})`;
}

/** Tail latency first, then errors, then throughput: the order a capacity review asks in. */
function priority(metric: string): number {
  if (/p99|p999|max/.test(metric) && metric.endsWith('_ms')) return 0;
  if (/error|einval|e2big|eagain|timeout/.test(metric)) return 1;
  if (metric.endsWith('_ms')) return 2;
  if (/per_s|rps/.test(metric)) return 3;
  return 4;
}

/** The two most telling improvements in full; the rest counted, so the paragraph stays one paragraph. */
function describeImprovements(improved: MetricComparison[]): string {
  const ordered = [...improved].sort((a, b) => priority(a.metric) - priority(b.metric));
  const shown = ordered.slice(0, 2).map(describeChange).join('; ');
  const rest = ordered.length - 2;
  return rest > 0 ? `${shown}; ${rest} more metric${rest === 1 ? '' : 's'} improved, none regressed` : `${shown}; none regressed`;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function describeRejection(a: AdmissionCase): string {
  // The kubelet's full message is in the admission matrix; the verdict only names the outcome.
  return [a.observed.outcome, a.observed.reason].filter(Boolean).join(', ');
}

function summarize(
  rollOut: RecommendationItem[],
  doNotRollOut: RecommendationItem[],
  admissions: readonly AdmissionCase[],
  outcome: Pick<Outcome, 'status' | 'reason'>,
): string {
  if (outcome.status === 'cannot-run') {
    return `The run could not be carried out: ${outcome.reason}. Nothing in this report supports a rollout decision; what was recorded before it stopped is shown below.`;
  }
  const sentences: string[] = [];
  for (const item of rollOut) {
    sentences.push(`Roll out ${formatSysctls(item.sysctls)} for ${item.workload}: ${item.because}`);
  }
  for (const item of doNotRollOut) {
    sentences.push(`Do not roll out ${formatSysctls(item.sysctls)} for ${item.workload} [${item.variant}]: ${item.because}.`);
  }
  const forbidden = admissions.filter((a) => a.observed.outcome === 'forbidden' && a.match);
  if (forbidden.length && rollOut.length) {
    sentences.push('Any pool that runs these pods needs the kubelet allowance first (see Rollout below); pods sent to a pool without it are rejected.');
  }
  if (sentences.length === 0) sentences.push('No tuned variant was measured, so there is nothing to recommend.');
  if (outcome.status === 'failed') sentences.push(`Not every expectation held: ${outcome.reason}.`);
  return sentences.map((s) => s.trim()).map((s) => (s.endsWith('.') ? s : `${s}.`)).join(' ');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

import { isKernelMetric } from '../counters/catalogue.js';
import { formatDifferenceInterval, formatMetricValue, formatPercent, formatP, formatSysctls } from './format.js';
import { mechanismOf } from './mechanism.js';
import { sysctlsOfVariant } from './performance.js';
import type { AdmissionCase, IsolationProof, MetricComparison, Outcome, Recommendation, RecommendationItem, TrendReport, WorkloadPerformance } from './results.js';
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
  trends: TrendReport | null = null,
): Recommendation {
  const rollOut: RecommendationItem[] = [];
  const doNotRollOut: RecommendationItem[] = [];

  for (const workload of performance) {
    for (const variant of workload.variants) {
      if (variant.variant === workload.baselineVariant) continue;
      const judged = judgeVariant(workload, variant.variant, admissions, isolation);
      (judged.recommended ? rollOut : doNotRollOut).push(judged.item);
    }
  }

  // Tunings that were never measured are decisions too: rejected everywhere, or never got to load.
  const measured = new Set(performance.flatMap((w) => w.variants.map((v) => `${w.workload}\u0000${v.variant}`)));
  const unmeasured = new Map<string, AdmissionCase[]>();
  for (const a of admissions) {
    const key = `${a.workload}\u0000${a.variant}`;
    if (measured.has(key) || Object.keys(a.sysctls).length === 0) continue;
    unmeasured.set(key, [...(unmeasured.get(key) ?? []), a]);
  }
  for (const cases of unmeasured.values()) {
    const first = cases[0] as AdmissionCase;
    const sysctls = sysctlsOfVariant(admissions as AdmissionRecord[], first.workload, first.variant);
    const rejected = cases.filter((a) => a.observed.outcome !== 'admitted');
    if (rejected.length === cases.length) {
      const rejection = unique(rejected.map(describeRejection)).join('; ');
      const messages = unique(rejected.map((a) => a.observed.message).filter((m): m is string => Boolean(m)));
      doNotRollOut.push({
        workload: first.workload, variant: first.variant, sysctls,
        headline: `not admitted, ${rejection}`,
        because: `pods were not admitted (${rejection}${messages.length ? `: ${messages.join('; ')}` : ''})`,
      });
    } else {
      doNotRollOut.push({
        workload: first.workload, variant: first.variant, sysctls,
        headline: 'admitted but never measured',
        because: 'pods were admitted but no measured repetition was recorded, so there is no evidence either way',
      });
    }
  }

  if (outcome.status === 'cannot-run') {
    // An unfinished run decides nothing: what looked good so far is kept, but as not-yet-evidence.
    doNotRollOut.unshift(...rollOut.splice(0).map((item) => ({
      ...item, headline: 'the run did not finish', because: `the run did not finish; partial evidence: ${item.because}`,
    })));
  }

  return { rollOut, doNotRollOut, summary: summarize(rollOut, doNotRollOut, admissions, outcome, trends) };
}

function judgeVariant(
  workload: WorkloadPerformance,
  variant: string,
  admissions: readonly AdmissionCase[],
  isolation: readonly IsolationProof[],
): { recommended: boolean; item: RecommendationItem } {
  const sysctls = workload.variants.find((v) => v.variant === variant)?.sysctls ?? {};
  const own = admissions.filter((a) => a.workload === workload.workload && a.variant === variant);
  const admittedPools = unique(own.filter((a) => a.observed.outcome === 'admitted').map((a) => a.pool));
  const rejected = own.filter((a) => a.observed.outcome !== 'admitted');
  const mismatched = own.filter((a) => !a.match);
  const failedIsolation = isolation.filter((p) => !p.passed && (p.sysctl in sysctls || p.workload === workload.workload));
  // The kernel's counters say why, not whether: they are cited as the mechanism, never as the effect.
  const comparisons = workload.comparisons.filter((c) => c.variant === variant && !isKernelMetric(c.metric));
  const mechanism = mechanismOf(workload.comparisons.filter((c) => c.variant === variant));
  const why = mechanism ? ` Mechanism: ${mechanism.long}.` : '';
  // Whatever the verdict, the headline carries what the kernel counted: a reader of the summary sees it.
  const counted = mechanism ? ` — ${mechanism.short}` : '';
  const improved = ordered(comparisons.filter((c) => c.verdict === 'improved'));
  // Latencies are measured over the requests that succeeded. When the tuned variant fails fewer,
  // it also times the requests the baseline lost (which waited longest), so a rise in those
  // latencies is the price of serving them, not a regression: a caveat, not a veto.
  const fewerFailures = comparisons.some((c) => (c.metric === 'errors' || c.metric === 'error_rate') && c.verdict === 'improved');
  const overSuccessesOnly = (c: MetricComparison) => fewerFailures && /^(connect|total|waiting|receiving|latency)_/.test(c.metric);
  const regressed = ordered(comparisons.filter((c) => c.verdict === 'regressed' && !overSuccessesOnly(c)));
  const survivorship = ordered(comparisons.filter((c) => c.verdict === 'regressed' && overSuccessesOnly(c)));
  const base = { workload: workload.workload, variant, sysctls };

  const blockers: { short: string; long: string }[] = [];
  if (mismatched.length) {
    const where = mismatched.map((a) => `pool ${a.pool} (predicted ${a.predicted.outcome}, observed ${a.observed.outcome})`).join(', ');
    blockers.push({ short: 'admission differed from the prediction', long: `admission differed from the prediction on ${where}` });
  }
  if (failedIsolation.length) {
    const checks = failedIsolation.map((p) => `${p.check} for ${p.sysctl}`).join(', ');
    blockers.push({ short: `isolation failed (${checks})`, long: `isolation failed: ${failedIsolation.map((p) => p.detail).join('; ')}` });
  }
  if (regressed.length) {
    blockers.push({
      short: `${regressed.map(describeChangeShort).join(' and ')} got worse`,
      long: `${regressed.map(describeChange).join('; ')} regressed`,
    });
  }
  if (blockers.length) {
    return { recommended: false, item: { ...base, headline: `${blockers.map((b) => b.short).join('; ')}${counted}`, because: `${blockers.map((b) => b.long).join('; ')}.${why}` } };
  }
  if (improved.length === 0) {
    return {
      recommended: false,
      item: {
        ...base, headline: `no detectable change${counted}`,
        because: `no metric changed detectably, so the kubelet allowance would buy nothing measurable.${mechanism ? ` The kernel did count a difference: ${mechanism.long}.` : ''}`,
      },
    };
  }

  const rest = improved.length - 2;
  const noneWorse = survivorship.length ? 'none regressed beyond serving more requests' : 'none regressed';
  const tail = rest > 0 ? `, ${rest} more metric${rest === 1 ? '' : 's'} improved and ${noneWorse}` : `, ${noneWorse}`;
  const pools = admittedPools.length ? ` Admitted on pool ${admittedPools.join(', ')}` : '';
  const rejectedCaveat = rejected.length
    ? `; rejected where the kubelet does not allow it (${unique(rejected.map((a) => `pool ${a.pool}: ${a.observed.reason ?? a.observed.outcome}`)).join(', ')}), as predicted`
    : '';
  const survivorshipCaveat = survivorship.length
    ? `; ${survivorship.map(describeChangeShort).join(' and ')} rose, but over successful requests only: the tuned variant also served the requests the baseline lost`
    : '';
  const caveat = `${rejectedCaveat}${survivorshipCaveat}`;
  return {
    recommended: true,
    item: {
      ...base,
      headline: `${improved.slice(0, 2).map(describeChangeShort).join(' and ')}${tail}${counted}`,
      because: `${improved.slice(0, 2).map(describeChange).join('; ')}${rest > 0 ? `; ${rest} more improved` : ''}.${pools}${caveat}${pools || caveat ? '.' : ''}${why}`,
    },
  };
}

/** The full statement of one change: medians, relative change, interval of the difference, p. */
export function describeChange(c: MetricComparison): string {
  const ci = c.difference.ci;
  const p = formatP(c.pValue);
  return `${lowerFirst(c.label)} ${formatMetricValue(c.baseline.median, c.unit)} → ${formatMetricValue(c.tuned.median, c.unit)} `
    + `(${formatPercent(c.changePercent)}; ${Math.round(ci.level * 100)}% CI of the difference ${formatDifferenceInterval(ci.low, ci.high, c.unit)}; p ${p.startsWith('<') ? p : `= ${p}`})`;
}

export function describeChangeShort(c: MetricComparison): string {
  return `${lowerFirst(c.label)} ${formatMetricValue(c.baseline.median, c.unit)} → ${formatMetricValue(c.tuned.median, c.unit)} (${formatPercent(c.changePercent)})`;
}

/** Tail latency first, then errors, then other latencies, then throughput: the order a capacity review asks in. */
function priority(metric: string): number {
  if (/p99|p999|max/.test(metric) && metric.endsWith('_ms')) return 0;
  if (/error|einval|e2big|eagain|timeout/.test(metric)) return 1;
  if (metric.endsWith('_ms')) return 2;
  if (/per_s|rps/.test(metric)) return 3;
  return 4;
}

function ordered(list: MetricComparison[]): MetricComparison[] {
  return [...list].sort((a, b) => priority(a.metric) - priority(b.metric));
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
  trends: TrendReport | null,
): string {
  if (outcome.status === 'cannot-run') {
    return `The run could not be carried out: ${outcome.reason}. Nothing in this report supports a rollout decision; what was recorded before it stopped is shown below.`;
  }
  const sentences: string[] = [];
  for (const item of rollOut) sentences.push(`Roll out ${formatSysctls(item.sysctls)} for ${item.workload}: ${item.headline}.`);
  if (doNotRollOut.length) {
    sentences.push(`Do not roll out ${doNotRollOut.map((item) => `${formatSysctls(item.sysctls)} for ${item.workload} (${item.headline})`).join('; ')}.`);
  }
  const forbiddenPools = unique(admissions.filter((a) => a.observed.outcome === 'forbidden' && a.match).map((a) => a.pool));
  if (rollOut.length) {
    sentences.push(forbiddenPools.length
      ? `Every node pool that runs these pods needs the kubelet allowance first (Rollout artifacts below): without it the kubelet rejects them, as it did on pool ${forbiddenPools.join(', ')}.`
      : 'Every node pool that runs these pods needs the kubelet allowance first (Rollout artifacts below).');
  }
  if (sentences.length === 0) sentences.push('No tuned variant was measured, so there is nothing to recommend.');
  const regressed = trends?.trends.filter((t) => t.status === 'regression') ?? [];
  if (regressed.length) {
    const runs = trends?.compared.length ?? 0;
    sentences.push(`Against the last ${runs} runs of this scenario, ${regressed.length === 1 ? 'one metric' : `${regressed.length} metrics`} regressed: `
      + `${regressed.map((t) => `${lowerFirst(t.label)} of ${t.workload} [${t.variant}]`).join(', ')}`
      + `${trends?.settings.failOnRegression ? ' (the scenario fails on regressions).' : ' (reported; the scenario does not fail on regressions).'}`);
  }
  if (outcome.status === 'failed') sentences.push(`Not every expectation held: ${outcome.reason}.`);
  return sentences.join(' ');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

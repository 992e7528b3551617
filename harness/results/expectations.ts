import { formatMetricValue, formatNumber } from './format.js';
import { thresholdId } from './thresholds.js';
import type { PlannedProof } from './scenario-info.js';
import type { AdmissionCase, Expectation, IsolationProof, Threshold, ThresholdResult, TrendReport, WorkloadPerformance } from './results.js';

/** Every admission case is an expectation: the kubelet must do what the harness predicted. */
/**
 * Whether the admission rows span several Kubernetes versions (a version-matrix run): then each row
 * names its version, since the same workload, variant and pool appear once per version.
 */
export function admissionVersionsDiffer(cases: readonly Pick<AdmissionCase, 'kubernetesVersion'>[]): boolean {
  return new Set(cases.map((c) => c.kubernetesVersion)).size > 1;
}

export function admissionExpectations(cases: readonly AdmissionCase[]): Expectation[] {
  // One version: ids and names stay as they always were, so history and CI keep matching them.
  const several = admissionVersionsDiffer(cases);
  return cases.map((c) => {
    const sysctls = Object.entries(c.sysctls).map(([k, v]) => `${k}=${v}`).join(', ') || 'no sysctls';
    const observed = c.observed.reason ? `${c.observed.outcome} (${c.observed.reason})` : c.observed.outcome;
    const version = several ? c.kubernetesVersion ?? 'unknown' : undefined;
    return {
      id: `admission/${c.workload}/${c.variant}/${c.pool}${version ? `/${version}` : ''}`,
      category: 'admission',
      name: `${c.kind} ${c.workload} [${c.variant}] on pool ${c.pool}${version ? ` on Kubernetes ${version}` : ''} is ${c.predicted.outcome}`,
      passed: c.match,
      status: c.match ? 'passed' : 'failed',
      phase: 'deploy',
      detail: `${sysctls}: predicted ${c.predicted.outcome}, observed ${observed}${c.observed.message ? `: ${c.observed.message}` : ''}`,
    };
  });
}

export function isolationId(p: { check: string; sysctl: string; workload?: string | undefined }): string {
  return `isolation/${p.check}/${p.sysctl}${p.workload ? `/${p.workload}` : ''}`;
}

function isolationName(p: { check: string; sysctl: string; workload?: string | undefined }): string {
  return `${p.check}: ${p.sysctl}${p.workload ? ` (${p.workload})` : ''}`;
}

/** The pipeline phase that records a proof: host-proc-unchanged after the clusters are gone. */
function phaseOfProof(check: string): string {
  if (check === 'host-proc-unchanged') return 'cluster-delete';
  return check === 'runbook-replay' || check === 'illegal-allowlist' ? 'procedures' : 'probes';
}

export function isolationExpectations(proofs: readonly IsolationProof[]): Expectation[] {
  return proofs.map((p) => ({
    id: isolationId(p),
    category: 'isolation',
    name: isolationName(p),
    passed: p.passed,
    status: p.passed ? 'passed' : 'failed',
    phase: phaseOfProof(p.check),
    detail: p.detail,
  }));
}

/**
 * The proofs a scenario asked for that a run which stopped early never recorded: skipped, with the
 * reason, so that the set of test cases (and their names) is the same in every run of a scenario.
 */
export function skippedProofs(planned: readonly PlannedProof[], recorded: readonly IsolationProof[], why: string): Expectation[] {
  const seen = new Set(recorded.map(isolationId));
  return planned.filter((p) => !seen.has(isolationId(p))).map((p) => ({
    id: isolationId(p),
    category: 'isolation',
    name: isolationName(p),
    passed: false,
    status: 'skipped',
    phase: phaseOfProof(p.check),
    detail: `not carried out: ${why}`,
  }));
}

/**
 * Words for a threshold, the same in every format and every run: `web [tuned] connect_p99_ms
 * improved, <= 1200`. The variant comes from the scenario, never from what was measured, so a run
 * that stopped early names its thresholds as a complete one does.
 */
export function describeThreshold(t: Threshold, variant?: string | null): string {
  const parts = [
    t.expect ? t.expect.replace('-', ' ') : '',
    t.max !== undefined ? `<= ${formatNumber(t.max)}` : '',
    t.min !== undefined ? `>= ${formatNumber(t.min)}` : '',
  ].filter(Boolean);
  return `${t.workload} [${t.variant ?? variant ?? 'last variant'}] ${t.metric} ${parts.join(', ') || '(no condition)'}`;
}

/**
 * Evaluates each threshold against the comparison of its variant with the baseline: `expect` on the
 * verdict, `max`/`min` on the median of the measured repetitions. A threshold without a variant
 * applies to the workload's last measured variant (thresholds read from a scenario always have one).
 * `stopped` says why the run ended early, when it did: a threshold it never measured is skipped
 * with that reason instead of failing.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], performance: readonly WorkloadPerformance[], stopped?: string): ThresholdResult[] {
  return thresholds.map((t) => {
    const workload = performance.find((w) => w.workload === t.workload);
    const candidates = workload?.comparisons.filter((c) => c.metric === t.metric) ?? [];
    const onBaseline = t.variant !== undefined && t.variant === workload?.baselineVariant;
    const comparison = t.variant === undefined
      ? candidates.at(-1)
      : candidates.find((c) => c.variant === t.variant) ?? (onBaseline ? candidates[0] : undefined);
    const evaluatedVariant = comparison ? (onBaseline ? comparison.baselineVariant : comparison.variant) : (t.variant ?? null);
    const id = thresholdId(t, evaluatedVariant ?? undefined);
    if (!comparison) {
      const what = `${t.metric} for ${t.workload} [${t.variant ?? 'any tuned variant'}]`;
      return stopped
        ? { ...t, id, evaluatedVariant, actual: null, verdict: null, passed: false, status: 'skipped' as const, detail: `not measured: ${stopped} before ${what} was measured against a baseline` }
        : { ...t, id, evaluatedVariant, actual: null, verdict: null, passed: false, status: 'failed' as const, detail: `no measurement of ${what} against a baseline` };
    }
    const unit = comparison.unit;
    const stats = onBaseline ? comparison.baseline : comparison.tuned;
    const verdict = onBaseline ? null : comparison.verdict;
    const failures: string[] = [];
    if (t.expect) {
      const held = t.expect === 'improved' ? verdict === 'improved'
        : t.expect === 'regressed' ? verdict === 'regressed'
          : verdict !== null && verdict !== 'regressed';
      if (!held) failures.push(`expected ${t.expect.replace('-', ' ')} against ${comparison.baselineVariant}, verdict is ${verdict?.replaceAll('-', ' ') ?? 'n/a'} (${comparison.reason})`);
    }
    if (t.max !== undefined && !(stats.median <= t.max)) failures.push(`median ${formatMetricValue(stats.median, unit)} > max ${formatMetricValue(t.max, unit)}`);
    if (t.min !== undefined && !(stats.median >= t.min)) failures.push(`median ${formatMetricValue(stats.median, unit)} < min ${formatMetricValue(t.min, unit)}`);
    const held = [
      t.expect && verdict ? `verdict ${verdict.replaceAll('-', ' ')}` : '',
      t.max !== undefined || t.min !== undefined ? `median ${formatMetricValue(stats.median, unit)} within limits` : '',
    ].filter(Boolean).join(', ');
    const passed = failures.length === 0;
    return {
      ...t,
      id,
      evaluatedVariant,
      actual: stats.median,
      unit,
      verdict,
      passed,
      status: passed ? 'passed' as const : 'failed' as const,
      detail: failures.length ? failures.join('; ') : `${held || 'no condition'} (median ${formatMetricValue(stats.median, unit)})`,
    };
  });
}

export function thresholdExpectations(results: readonly ThresholdResult[]): Expectation[] {
  return results.map((r) => ({
    id: r.id,
    category: 'threshold',
    name: describeThreshold(r, r.evaluatedVariant),
    passed: r.passed,
    status: r.status,
    phase: 'load',
    detail: r.detail,
  }));
}

/**
 * When the scenario fails on regressions (`spec.trends.failOnRegression`), one expectation per
 * workload and tuned variant: no metric regressed against the earlier runs. Without that setting
 * regressions are reported (verdict, summary, JUnit) but are not expectations.
 */
export function trendExpectations(report: TrendReport | null): Expectation[] {
  if (!report?.settings.failOnRegression) return [];
  const groups = new Map<string, TrendReport['trends']>();
  for (const trend of report.trends) {
    const key = `${trend.workload}\u0000${trend.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), trend]);
  }
  return [...groups.values()].map((trends) => {
    const { workload, variant } = trends[0] as TrendReport['trends'][number];
    const regressed = trends.filter((t) => t.status === 'regression');
    const judged = trends.filter((t) => t.status !== 'insufficient-history');
    const runs = report.compared.length;
    const status = regressed.length ? 'failed' as const : judged.length ? 'passed' as const : 'skipped' as const;
    return {
      id: `trend/${workload}/${variant}`,
      category: 'trend' as const,
      name: `${workload} [${variant}] has no regression against earlier runs`,
      passed: status === 'passed',
      status,
      phase: 'report',
      detail: regressed.length
        ? regressed.map((t) => `${t.label} (${t.metric}): ${t.detail}`).join('; ')
        : judged.length
          ? `${judged.length} metrics within the band of the last ${runs} runs`
          : `not judged: fewer than ${report.settings.minRuns} earlier runs of this scenario definition (${runs})`,
    };
  });
}

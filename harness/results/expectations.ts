import { formatNumber, formatWithUnit } from './format.js';
import { thresholdId } from './thresholds.js';
import type { AdmissionCase, Expectation, IsolationProof, Threshold, ThresholdResult, WorkloadPerformance } from './results.js';

/** Every admission case is an expectation: the kubelet must do what the harness predicted. */
export function admissionExpectations(cases: readonly AdmissionCase[]): Expectation[] {
  return cases.map((c) => {
    const sysctls = Object.entries(c.sysctls).map(([k, v]) => `${k}=${v}`).join(', ') || 'no sysctls';
    const observed = c.observed.reason ? `${c.observed.outcome} (${c.observed.reason})` : c.observed.outcome;
    return {
      id: `admission/${c.workload}/${c.variant}/${c.pool}`,
      category: 'admission',
      name: `${c.kind} ${c.workload} [${c.variant}] on pool ${c.pool} is ${c.predicted.outcome}`,
      passed: c.match,
      detail: `${sysctls}: predicted ${c.predicted.outcome}, observed ${observed}${c.observed.message ? `: ${c.observed.message}` : ''}`,
    };
  });
}

export function isolationExpectations(proofs: readonly IsolationProof[]): Expectation[] {
  return proofs.map((p) => ({
    id: `isolation/${p.check}/${p.sysctl}${p.workload ? `/${p.workload}` : ''}`,
    category: 'isolation',
    name: `${p.check}: ${p.sysctl}${p.workload ? ` (${p.workload})` : ''}`,
    passed: p.passed,
    detail: p.detail,
  }));
}

/** Words for a threshold, the same in every format: `web [tuned] connect_p99_ms improved, <= 1200`. */
export function describeThreshold(t: Threshold, variant?: string | null): string {
  const parts = [
    t.expect ? t.expect.replace('-', ' ') : '',
    t.max !== undefined ? `<= ${formatNumber(t.max)}` : '',
    t.min !== undefined ? `>= ${formatNumber(t.min)}` : '',
  ].filter(Boolean);
  return `${t.workload} [${variant ?? t.variant ?? 'last variant'}] ${t.metric} ${parts.join(', ') || '(no condition)'}`;
}

/**
 * Evaluates each threshold against the comparison of its variant with the baseline: `expect` on the
 * verdict, `max`/`min` on the median of the measured repetitions. A threshold without a variant
 * applies to the workload's last variant, as the scenario schema defines.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], performance: readonly WorkloadPerformance[]): ThresholdResult[] {
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
      return { ...t, id, evaluatedVariant, actual: null, verdict: null, passed: false, detail: `no measurement of ${t.metric} for ${t.workload} [${t.variant ?? 'any tuned variant'}] against a baseline` };
    }
    const stats = onBaseline ? comparison.baseline : comparison.tuned;
    const verdict = onBaseline ? null : comparison.verdict;
    const failures: string[] = [];
    if (t.expect) {
      const held = t.expect === 'improved' ? verdict === 'improved'
        : t.expect === 'regressed' ? verdict === 'regressed'
          : verdict !== null && verdict !== 'regressed';
      if (!held) failures.push(`expected ${t.expect.replace('-', ' ')} against ${comparison.baselineVariant}, verdict is ${verdict?.replaceAll('-', ' ') ?? 'n/a'} (${comparison.reason})`);
    }
    if (t.max !== undefined && !(stats.median <= t.max)) failures.push(`median ${formatNumber(stats.median)} > max ${formatNumber(t.max)}`);
    if (t.min !== undefined && !(stats.median >= t.min)) failures.push(`median ${formatNumber(stats.median)} < min ${formatNumber(t.min)}`);
    const held = [
      t.expect && verdict ? `verdict ${verdict.replaceAll('-', ' ')}` : '',
      t.max !== undefined || t.min !== undefined ? `median ${formatWithUnit(stats.median, comparison.unit)} within limits` : '',
    ].filter(Boolean).join(', ');
    return {
      ...t,
      id,
      evaluatedVariant,
      actual: stats.median,
      verdict,
      passed: failures.length === 0,
      detail: failures.length ? failures.join('; ') : `${held || 'no condition'} (median ${formatWithUnit(stats.median, comparison.unit)})`,
    };
  });
}

export function thresholdExpectations(results: readonly ThresholdResult[]): Expectation[] {
  return results.map((r) => ({
    id: r.id,
    category: 'threshold',
    name: describeThreshold(r, r.evaluatedVariant),
    passed: r.passed,
    detail: r.detail,
  }));
}

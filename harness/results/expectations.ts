import { formatNumber } from './format.js';
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

/** Evaluates each threshold on the median of the measured repetitions of its variant. */
export function evaluateThresholds(thresholds: readonly Threshold[], performance: readonly WorkloadPerformance[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const id = thresholdId(t);
    const comparison = performance.find((w) => w.workload === t.workload)
      ?.comparisons.find((c) => c.metric === t.metric && (c.variant === t.variant || c.baselineVariant === t.variant));
    const stats = comparison && (comparison.variant === t.variant ? comparison.tuned : comparison.baseline);
    if (!comparison || !stats) {
      return { ...t, id, actual: null, verdict: null, passed: false, detail: `no measurement of ${t.metric} for ${t.workload} [${t.variant}]` };
    }
    const failures: string[] = [];
    if (t.max !== undefined && !(stats.median <= t.max)) failures.push(`median ${formatNumber(stats.median)} > max ${formatNumber(t.max)}`);
    if (t.min !== undefined && !(stats.median >= t.min)) failures.push(`median ${formatNumber(stats.median)} < min ${formatNumber(t.min)}`);
    const verdict = comparison.variant === t.variant ? comparison.verdict : null;
    if (t.mustImprove && verdict !== 'improved') failures.push(`must improve on ${comparison.baselineVariant}, verdict is ${verdict ?? 'n/a'}`);
    const limits = [
      t.max !== undefined ? `<= ${formatNumber(t.max)}` : '',
      t.min !== undefined ? `>= ${formatNumber(t.min)}` : '',
      t.mustImprove ? 'improved' : '',
    ].filter(Boolean).join(', ');
    return {
      ...t,
      id,
      actual: stats.median,
      verdict,
      passed: failures.length === 0,
      detail: failures.length ? failures.join('; ') : `median ${formatNumber(stats.median)} ${comparison.unit} meets ${limits || 'no limit'}`,
    };
  });
}

export function thresholdExpectations(results: readonly ThresholdResult[]): Expectation[] {
  return results.map((r) => ({
    id: r.id,
    category: 'threshold',
    name: `${r.workload} [${r.variant}] ${r.metric}${r.max !== undefined ? ` <= ${formatNumber(r.max)}` : ''}${r.min !== undefined ? ` >= ${formatNumber(r.min)}` : ''}${r.mustImprove ? ' improves' : ''}`,
    passed: r.passed,
    detail: r.detail,
  }));
}

import { bootstrapMedianCI, compareSamples, metricInfo, percentiles, seedFromString, type CompareOptions } from '../stats/index.js';
import type { AdmissionRecord, MeasurementRecord } from './raw.js';
import type { Distribution, KernelProvenance, MetricComparison, SeriesRun, VariantInfo, WorkloadPerformance } from './results.js';

/** The percentiles a distribution chart plots; dense in the tail, where backlog effects live. */
export const DISTRIBUTION_POINTS = [0, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

/**
 * Groups measurements by workload and compares every variant with the workload's baseline, metric
 * by metric, on the measured (non-warm-up) repetitions only.
 */
export function summarizePerformance(
  measurements: readonly MeasurementRecord[],
  admissions: readonly AdmissionRecord[],
  options: CompareOptions = {},
  /** Baseline variant per workload, from the scenario (its first variant). */
  baselines: ReadonlyMap<string, string> = new Map(),
): WorkloadPerformance[] {
  const byWorkload = groupBy(measurements, (m) => m.workload);
  return [...byWorkload].map(([workload, records]) => summarizeWorkload(workload, records, admissions, options, baselines.get(workload)));
}

function summarizeWorkload(
  workload: string,
  records: MeasurementRecord[],
  admissions: readonly AdmissionRecord[],
  options: CompareOptions,
  declaredBaseline: string | undefined,
): WorkloadPerformance {
  const byVariant = groupBy(records, (m) => m.variant);
  const sysctlsOf = (variant: string) => sysctlsOfVariant(admissions, workload, variant);
  const baselineVariant = declaredBaseline && byVariant.has(declaredBaseline) ? declaredBaseline : pickBaseline([...byVariant.keys()], sysctlsOf);
  const measured = new Map([...byVariant].map(([variant, list]) => [
    variant,
    list.filter((m) => !m.warmup).sort((a, b) => a.repetition - b.repetition),
  ]));

  const variants: VariantInfo[] = [...byVariant].map(([variant, list]) => variantInfo(variant, list, sysctlsOf(variant)));
  const comparisons: MetricComparison[] = [];
  const baseline = measured.get(baselineVariant) ?? [];
  for (const [variant, tunedRecords] of measured) {
    if (variant === baselineVariant) continue;
    for (const metric of metricNames(baseline, tunedRecords)) {
      const base = valuesOf(baseline, metric);
      const tuned = valuesOf(tunedRecords, metric);
      if (base.values.length === 0 || tuned.values.length === 0) continue;
      const info = metricInfo(metric);
      const seed = options.seed ?? seedFromString(`${workload}/${variant}/${metric}`);
      const comparison = compareSamples(base.values, tuned.values, info.direction, { ...options, seed });
      comparisons.push({
        ...comparison,
        metric,
        label: info.label,
        unit: info.unit,
        direction: info.direction,
        baselineVariant,
        variant,
        baseline: { ...comparison.baseline, ...base },
        tuned: { ...comparison.tuned, ...tuned },
      });
    }
  }

  return {
    workload,
    kind: records[0]?.kind ?? 'load',
    baselineVariant,
    variants,
    comparisons,
    distributions: distributionsOf(workload, measured, options),
    series: seriesOf(measured),
    ...kernelOf(records),
  };
}

/** Where the workload's kernel counters were read, from the measurements that carry them. */
function kernelOf(records: readonly MeasurementRecord[]): { kernel?: KernelProvenance } {
  const carrying = records.filter((m) => m.kernel);
  const first = carrying[0]?.kernel;
  if (!first) return {};
  const pods = new Map<string, KernelProvenance['pods'][number]>();
  const problems: string[] = [];
  for (const m of carrying) {
    for (const pod of m.kernel?.pods ?? []) pods.set(`${m.variant}\u0000${pod.pod}`, { variant: m.variant, pod: pod.pod, node: pod.node, via: pod.via });
    if (m.kernel?.problem) problems.push(`${m.variant}, ${m.warmup ? 'warm-up' : `repetition ${m.repetition}`}: ${m.kernel.problem}`);
  }
  return { kernel: { namespace: first.namespace, pods: [...pods.values()], problems } };
}

/** Without a scenario to say: `baseline` by name; else the variant that sets no sysctls; else the first recorded. */
function pickBaseline(variants: string[], sysctlsOf: (variant: string) => Record<string, string>): string {
  if (variants.includes('baseline')) return 'baseline';
  return variants.find((v) => Object.keys(sysctlsOf(v)).length === 0) ?? variants[0] ?? 'baseline';
}

export function sysctlsOfVariant(admissions: readonly AdmissionRecord[], workload: string, variant: string): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const a of admissions) if (a.workload === workload && a.variant === variant) Object.assign(merged, a.sysctls);
  return merged;
}

function variantInfo(variant: string, list: MeasurementRecord[], sysctls: Record<string, string>): VariantInfo {
  const measured = list.filter((m) => !m.warmup);
  const cpu = measured.map((m) => m.generator.cpuPercent).filter((v): v is number => v !== undefined);
  return {
    variant,
    sysctls,
    repetitions: measured.length,
    warmups: list.length - measured.length,
    saturatedRepetitions: measured.filter((m) => m.generator.saturated).length,
    droppedIterations: measured.reduce((sum, m) => sum + (m.generator.droppedIterations ?? 0), 0),
    maxGeneratorCpuPercent: cpu.length ? Math.max(...cpu) : null,
  };
}

function metricNames(a: MeasurementRecord[], b: MeasurementRecord[]): string[] {
  const names = new Set<string>();
  for (const m of [...a, ...b]) for (const name of Object.keys(m.metrics)) names.add(name);
  return [...names];
}

function valuesOf(records: MeasurementRecord[], metric: string): { values: number[]; repetitions: number[] } {
  const values: number[] = [];
  const repetitions: number[] = [];
  for (const m of records) {
    const value = m.metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    values.push(value);
    repetitions.push(m.repetition);
  }
  return { values, repetitions };
}

function distributionsOf(workload: string, measured: Map<string, MeasurementRecord[]>, options: CompareOptions): Distribution[] {
  const distributions: Distribution[] = [];
  for (const [variant, records] of measured) {
    const perRepetition = new Map<string, number[][]>();
    for (const m of records) {
      for (const [metric, values] of Object.entries(m.samples ?? {})) {
        const finite = values.filter((v) => Number.isFinite(v));
        if (finite.length) perRepetition.set(metric, [...(perRepetition.get(metric) ?? []), finite]);
      }
    }
    for (const [metric, repetitions] of perRepetition) {
      const pooled = repetitions.flat();
      const at = percentiles(pooled, DISTRIBUTION_POINTS);
      const repAt = repetitions.map((values) => percentiles(values, DISTRIBUTION_POINTS));
      const points = DISTRIBUTION_POINTS.map((p, i) => {
        const ci = bootstrapMedianCI(repAt.map((r) => r[i] as number), { ...options, seed: options.seed ?? seedFromString(`${workload}/${variant}/${metric}/p${p}`) });
        return { p, value: at[i] as number, ciLow: ci.low, ciHigh: ci.high };
      });
      distributions.push({ metric, variant, n: pooled.length, repetitions: repetitions.length, points });
    }
  }
  return distributions;
}

function seriesOf(measured: Map<string, MeasurementRecord[]>): SeriesRun[] {
  const runs: SeriesRun[] = [];
  for (const [variant, records] of measured) {
    for (const m of records) if (m.series && m.series.t.length > 0) runs.push({ variant, repetition: m.repetition, series: m.series });
  }
  return runs;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

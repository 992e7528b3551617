import { formatNumber, formatWithUnit } from '../../results/format.js';
import type { Distribution, MetricComparison, SeriesRun, WorkloadPerformance } from '../../results/results.js';
import type { Trend } from '../history.js';
import { variantColor, withAlpha } from './palette.js';

/**
 * A chart as data: the Chart.js configuration (plain JSON, rendered by the inline client script)
 * plus a table holding the same numbers, for screen readers and for anyone who wants the values.
 */
export interface ChartSpec {
  id: string;
  title: string;
  ariaLabel: string;
  config: { type: string; data: unknown; options: unknown };
  table: { caption: string; headers: string[]; rows: (string | number)[][] };
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Ids are per page; reset before rendering one so that the same results give the same HTML. */
export function resetChartIds(): void {
  counter = 0;
}

function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title }, grid: { color: '#e5e7eb' }, ...extra };
}

function baseOptions(): Record<string, unknown> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
  };
}

function unitSuffix(unit: string): string {
  return unit && unit !== 'count' ? ` (${unit === 'ratio' ? 'share' : unit})` : '';
}

/**
 * Median of each variant as a bar with its bootstrap 95% interval as an error bar, and every
 * measured repetition as a dot: the reader sees the estimate, its uncertainty and the raw spread.
 */
export function medianChart(workload: WorkloadPerformance, metric: string): ChartSpec | null {
  const comparisons = workload.comparisons.filter((c) => c.metric === metric);
  const first = comparisons[0];
  if (!first) return null;
  const stats = [
    { variant: first.baselineVariant, s: first.baseline },
    ...comparisons.map((c) => ({ variant: c.variant, s: c.tuned })),
  ];
  const labels = stats.map((x) => x.variant);
  const colors = stats.map((_, i) => variantColor(i));
  const title = `${first.label}${unitSuffix(first.unit)}`;
  return {
    id: nextId('median'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${stats.map((x) => `${x.variant} median ${formatWithUnit(x.s.median, first.unit)}, 95% interval ${formatNumber(x.s.ci.low)} to ${formatNumber(x.s.ci.high)}`).join('; ')}`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            type: 'bar',
            label: 'median (bar) with 95% CI',
            data: stats.map((x) => x.s.median),
            backgroundColor: colors.map((c) => withAlpha(c, 0.28)),
            borderColor: colors,
            borderWidth: 2,
            errorBars: stats.map((x) => ({ low: x.s.ci.low, high: x.s.ci.high })),
            order: 2,
          },
          {
            type: 'line',
            label: 'each repetition',
            data: stats.flatMap((x) => x.s.values.map((v) => ({ x: x.variant, y: v }))),
            showLine: false,
            pointRadius: 3.5,
            pointBackgroundColor: '#111827',
            pointBorderColor: '#ffffff',
            pointBorderWidth: 1,
            order: 1,
          },
        ],
      },
      options: {
        ...baseOptions(),
        // The legend would show one colour for bars of several; the section explains the marks instead.
        plugins: { legend: { display: false } },
        scales: { x: axis('variant'), y: axis(first.unit || 'value', { beginAtZero: true }) },
      },
    },
    table: {
      caption: `${title}: per-repetition values, median and bootstrap 95% CI`,
      headers: ['Variant', 'Repetition values', 'Median', '95% CI low', '95% CI high'],
      rows: stats.map((x) => [x.variant, x.s.values.map((v) => formatNumber(v)).join(', '), formatNumber(x.s.median), formatNumber(x.s.ci.low), formatNumber(x.s.ci.high)]),
    },
  };
}

/** Percentile curves of the raw per-connection samples, pooled over measured repetitions. */
export function distributionChart(workload: WorkloadPerformance, metric: string): ChartSpec | null {
  const distributions = workload.distributions.filter((d) => d.metric === metric);
  const first = distributions[0];
  if (!first) return null;
  const order = workload.variants.map((v) => v.variant);
  const sorted = [...distributions].sort((a, b) => order.indexOf(a.variant) - order.indexOf(b.variant));
  const labels = first.points.map((p) => `p${formatNumber(p.p)}`);
  const title = `Distribution of ${metric.replaceAll('_', ' ')}: percentiles of every sample, 95% CI across repetitions`;
  return {
    id: nextId('distribution'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${sorted.map((d) => `${d.variant} p50 ${formatNumber(valueAt(d, 50))}, p99 ${formatNumber(valueAt(d, 99))} from ${d.n} samples`).join('; ')}`,
    config: {
      type: 'line',
      data: {
        labels,
        datasets: sorted.map((d) => {
          const color = variantColor(order.indexOf(d.variant));
          return {
            label: `${d.variant} (${d.n} samples, ${d.repetitions} repetitions)`,
            data: d.points.map((p) => p.value),
            errorBars: d.points.map((p) => ({ low: p.ciLow, high: p.ciHigh })),
            errorBarColor: color,
            borderColor: color,
            backgroundColor: color,
            pointRadius: 3,
            tension: 0,
          };
        }),
      },
      options: { ...baseOptions(), scales: { x: axis('percentile'), y: axis(metric.endsWith('_ms') ? 'ms' : 'value', { beginAtZero: true }) } },
    },
    table: {
      caption: `${title} (value, then [95% CI])`,
      headers: ['Variant', 'Samples', ...labels],
      rows: sorted.map((d) => [d.variant, d.n, ...d.points.map((p) => `${formatNumber(p.value)} [${formatNumber(p.ciLow)}, ${formatNumber(p.ciHigh)}]`)]),
    },
  };
}

function valueAt(d: Distribution, p: number): number {
  return d.points.find((x) => x.p === p)?.value ?? Number.NaN;
}

/** Every measured repetition's time series, one line each, coloured by variant. */
export function seriesChart(workload: WorkloadPerformance, metric: string): ChartSpec | null {
  const runs = workload.series.filter((r) => r.series.values[metric]);
  if (runs.length === 0) return null;
  const order = workload.variants.map((v) => v.variant);
  const title = `${metric.replaceAll('_', ' ')} over time, each repetition`;
  const finalOf = (r: SeriesRun) => r.series.values[metric]?.at(-1) ?? Number.NaN;
  const maxT = Math.max(...runs.map((r) => r.series.t.at(-1) ?? 0));
  return {
    id: nextId('series'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${order.map((v) => {
      const finals = runs.filter((r) => r.variant === v).map(finalOf);
      return finals.length ? `${v} ends at ${finals.map((x) => formatNumber(x)).join(', ')}` : '';
    }).filter(Boolean).join('; ')}`,
    config: {
      type: 'line',
      data: {
        datasets: runs.map((r) => {
          const color = variantColor(Math.max(0, order.indexOf(r.variant)));
          return {
            label: `${r.variant} #${r.repetition}`,
            data: r.series.t.map((t, i) => ({ x: t, y: r.series.values[metric]?.[i] ?? null })),
            borderColor: withAlpha(color, 0.75),
            backgroundColor: color,
            borderWidth: 1.5,
            pointRadius: 0,
            tension: 0,
          };
        }),
      },
      options: {
        ...baseOptions(),
        plugins: { legend: { display: false } },
        scales: { x: axis('seconds since load started', { type: 'linear', min: 0, max: maxT }), y: axis(metric.replaceAll('_', ' '), { beginAtZero: true }) },
      },
    },
    table: {
      caption: `${title} (last value of each repetition)`,
      headers: ['Variant', 'Repetition', 'Points', 'Last value'],
      rows: runs.map((r) => [r.variant, r.repetition, r.series.t.length, formatNumber(finalOf(r))]),
    },
  };
}

/** A metric's tuned (and baseline) median across runs, with the tuned CI as error bars. */
export function trendChart(trend: Trend): ChartSpec {
  const title = `${trend.workload} [${trend.variant}] ${trend.metric.replaceAll('_', ' ')} across runs`;
  const labels = trend.points.map((p) => p.label);
  const tunedColor = variantColor(1);
  const baseColor = variantColor(0);
  return {
    id: nextId('trend'),
    title,
    ariaLabel: `${title}: ${trend.points.map((p) => `${p.label} ${formatNumber(p.median)}`).join(', ')}${trend.regression ? `. Regression: ${trend.regression}` : ''}`,
    config: {
      type: 'line',
      data: {
        labels,
        datasets: [
          {
            label: `${trend.variant} median (95% CI)`,
            data: trend.points.map((p) => p.median),
            borderColor: tunedColor,
            backgroundColor: tunedColor,
            errorBars: trend.points.map((p) => ({ low: p.ciLow, high: p.ciHigh })),
            errorBarColor: tunedColor,
            pointRadius: 4,
            tension: 0,
          },
          {
            label: 'baseline median',
            data: trend.points.map((p) => p.baselineMedian),
            borderColor: baseColor,
            backgroundColor: baseColor,
            borderDash: [6, 4],
            pointRadius: 3,
            tension: 0,
          },
        ],
      },
      options: { ...baseOptions(), scales: { x: axis('run', { offset: true }), y: axis(trend.unit || 'value', { beginAtZero: true }) } },
    },
    table: {
      caption: title,
      headers: ['Run', 'Started', `${trend.variant} median`, '95% CI low', '95% CI high', 'Baseline median'],
      rows: trend.points.map((p) => [p.runId, p.startedAt ?? '', formatNumber(p.median), formatNumber(p.ciLow), formatNumber(p.ciHigh), p.baselineMedian === null ? '' : formatNumber(p.baselineMedian)]),
    },
  };
}

export type { MetricComparison };

import { displayUnit, formatMetricInterval, formatMetricValue, formatNumber } from '../../results/format.js';
import type { Distribution, MetricComparison, SeriesRun, Trend, WorkloadPerformance } from '../../results/results.js';
import { metricInfo } from '../../stats/direction.js';
import { variantColor, withAlpha } from './palette.js';

/**
 * A chart as data: the Chart.js configuration (plain JSON, rendered by the inline client script)
 * plus a table holding the same numbers, for screen readers and for anyone who wants the values.
 * Values are plotted in the metric's display unit (a share in percent), the one every table and
 * sentence of the report uses; a metric is named by its label everywhere.
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

function titleOf(label: string, unit: string): string {
  const u = displayUnit(unit);
  return u.suffix ? `${label} (${u.axis})` : label;
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
  const { scale, axis: unitAxis } = displayUnit(first.unit);
  const labels = stats.map((x) => x.variant);
  const colors = stats.map((_, i) => variantColor(i));
  const title = titleOf(first.label, first.unit);
  return {
    id: nextId('median'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${stats.map((x) => `${x.variant} median ${formatMetricValue(x.s.median, first.unit)}, 95% interval ${formatMetricInterval(x.s.ci.low, x.s.ci.high, first.unit)}`).join('; ')}`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            type: 'bar',
            label: 'median (bar) with 95% CI',
            data: stats.map((x) => x.s.median * scale),
            backgroundColor: colors.map((c) => withAlpha(c, 0.28)),
            borderColor: colors,
            borderWidth: 2,
            errorBars: stats.map((x) => ({ low: x.s.ci.low * scale, high: x.s.ci.high * scale })),
            order: 2,
          },
          {
            type: 'line',
            label: 'each repetition',
            data: stats.flatMap((x) => x.s.values.map((v) => ({ x: x.variant, y: v * scale }))),
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
        scales: { x: axis('variant'), y: axis(unitAxis, { beginAtZero: true }) },
      },
    },
    table: {
      caption: `${title}: per-repetition values, median and bootstrap 95% CI`,
      headers: ['Variant', 'Repetition values', 'Median', '95% CI'],
      rows: stats.map((x) => [
        x.variant,
        x.s.values.map((v) => formatMetricValue(v, first.unit)).join(', '),
        formatMetricValue(x.s.median, first.unit),
        formatMetricInterval(x.s.ci.low, x.s.ci.high, first.unit),
      ]),
    },
  };
}

/**
 * Where a percentile sits on the distribution chart's x axis: −log10(1 − p), so that each step
 * right is ten times rarer (p90 at 1, p99 at 2, p99.9 at 3) and the tail gets as much room as the
 * body. The maximum (p100, at infinity) is drawn one decade past the last finite percentile.
 */
export function percentilePosition(p: number, finiteMax = 99.9): number {
  if (p >= 100) return -Math.log10(1 - finiteMax / 100) + 1;
  return -Math.log10(1 - p / 100);
}

function percentileName(p: number): string {
  if (p === 0) return 'min';
  if (p === 100) return 'max';
  return `p${formatNumber(p)}`;
}

/** The labelled ticks of the percentile axis; the client script puts them there (Chart.js needs a function). */
const PERCENTILE_TICKS = [0, 50, 90, 99, 99.9, 100];

/** Percentile curves of the raw per-connection samples, pooled over measured repetitions. */
export function distributionChart(workload: WorkloadPerformance, metric: string): ChartSpec | null {
  const distributions = workload.distributions.filter((d) => d.metric === metric);
  const first = distributions[0];
  if (!first) return null;
  const info = metricInfo(metric);
  const { scale, axis: unitAxis } = displayUnit(info.unit);
  const order = workload.variants.map((v) => v.variant);
  const sorted = [...distributions].sort((a, b) => order.indexOf(a.variant) - order.indexOf(b.variant));
  const finiteMax = Math.max(...first.points.map((p) => p.p).filter((p) => p < 100));
  const labels = first.points.map((p) => percentileName(p.p));
  const title = `${titleOf(info.label, info.unit)}: percentiles, 95% CI across repetitions`;
  return {
    id: nextId('distribution'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${sorted.map((d) => `${d.variant} median ${formatMetricValue(valueAt(d, 50), info.unit)}, p99 ${formatMetricValue(valueAt(d, 99), info.unit)} from ${d.n} samples`).join('; ')}`,
    config: {
      type: 'line',
      data: {
        datasets: sorted.map((d) => {
          const color = variantColor(Math.max(0, order.indexOf(d.variant)));
          return {
            label: `${d.variant} (${d.n} samples, ${d.repetitions} repetitions)`,
            data: d.points.map((p) => ({ x: percentilePosition(p.p, finiteMax), y: p.value * scale })),
            errorBars: d.points.map((p) => ({ low: p.ciLow * scale, high: p.ciHigh * scale })),
            errorBarColor: color,
            borderColor: color,
            backgroundColor: color,
            pointRadius: 3,
            tension: 0,
          };
        }),
      },
      options: {
        ...baseOptions(),
        scales: {
          x: axis('percentile (each step right is 10× rarer)', {
            type: 'linear',
            min: 0,
            max: percentilePosition(100, finiteMax),
            sbTicks: PERCENTILE_TICKS.map((p) => ({ value: percentilePosition(p, finiteMax), label: percentileName(p) })),
          }),
          y: axis(unitAxis, { beginAtZero: true }),
        },
      },
    },
    table: {
      caption: `${title} (value, then its 95% CI)`,
      headers: ['Variant', 'Samples', ...labels],
      rows: sorted.map((d) => [d.variant, d.n, ...d.points.map((p) => `${formatMetricValue(p.value, info.unit)} (${formatMetricInterval(p.ciLow, p.ciHigh, info.unit)})`)]),
    },
  };
}

function valueAt(d: Distribution, p: number): number {
  return d.points.find((x) => x.p === p)?.value ?? Number.NaN;
}

/** Every measured repetition's time series, one line each, coloured by variant, with a legend per variant. */
export function seriesChart(workload: WorkloadPerformance, metric: string): ChartSpec | null {
  const runs = workload.series.filter((r) => r.series.values[metric]);
  if (runs.length === 0) return null;
  const info = metricInfo(metric);
  const { scale, axis: unitAxis } = displayUnit(info.unit);
  const order = workload.variants.map((v) => v.variant);
  // loadgen's series are per-second buckets: each point is that second's value, not a running total.
  const title = `${titleOf(info.label, info.unit)} in each second, each repetition`;
  const finalOf = (r: SeriesRun) => r.series.values[metric]?.at(-1) ?? Number.NaN;
  const maxT = Math.max(...runs.map((r) => r.series.t.at(-1) ?? 0));
  return {
    id: nextId('series'),
    title,
    ariaLabel: `${title} for ${workload.workload}: ${order.map((v) => {
      const finals = runs.filter((r) => r.variant === v).map(finalOf);
      return finals.length ? `${v} ends at ${finals.map((x) => formatMetricValue(x, info.unit)).join(', ')}` : '';
    }).filter(Boolean).join('; ')}`,
    config: {
      type: 'line',
      data: {
        datasets: runs.map((r) => {
          const color = variantColor(Math.max(0, order.indexOf(r.variant)));
          return {
            // One legend entry per variant: the client script shows the first line of each label only.
            label: r.variant,
            data: r.series.t.map((t, i) => {
              const value = r.series.values[metric]?.[i];
              return { x: t, y: value === undefined ? null : value * scale };
            }),
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
        sbLegendOncePerLabel: true,
        scales: { x: axis('seconds since the load started', { type: 'linear', min: 0, max: maxT }), y: axis(unitAxis, { beginAtZero: true }) },
      },
    },
    table: {
      caption: `${title} (last value of each repetition)`,
      headers: ['Variant', 'Repetition', 'Points', 'Last value'],
      rows: runs.map((r) => [r.variant, r.repetition, r.series.t.length, formatMetricValue(finalOf(r), info.unit)]),
    },
  };
}

/**
 * A metric's tuned median across runs with its CI as error bars, and the band it is judged against.
 * The axis fits the data (not from zero) so that a change the size of the band can be seen; the
 * baseline's medians are in the data table (drawn here they would squash the line to the floor).
 */
export function trendChart(trend: Trend): ChartSpec {
  const { scale, axis: unitAxis } = displayUnit(trend.unit);
  const title = `${trend.workload} [${trend.variant}] ${titleOf(trend.label, trend.unit)} across runs`;
  const labels = trend.points.map((p) => p.label);
  const tunedColor = variantColor(1);
  const band = trend.band;
  const bandDatasets = band ? [
    {
      label: 'band: earlier runs\' median ± 3.5 robust SD',
      data: trend.points.map(() => band.high * scale),
      borderColor: '#6b7280',
      backgroundColor: 'rgba(107, 114, 128, 0.12)',
      borderDash: [3, 3],
      borderWidth: 1,
      pointRadius: 0,
      fill: '+1',
    },
    {
      label: 'band low',
      sbHideInLegend: true,
      data: trend.points.map(() => band.low * scale),
      borderColor: '#6b7280',
      borderDash: [3, 3],
      borderWidth: 1,
      pointRadius: 0,
      fill: false,
    },
  ] : [];
  return {
    id: nextId('trend'),
    title,
    ariaLabel: `${title}: ${trend.points.map((p) => `${p.label} ${formatMetricValue(p.median, trend.unit)}`).join(', ')}. ${trend.status.replace('-', ' ')}: ${trend.detail}`,
    config: {
      type: 'line',
      data: {
        labels,
        datasets: [
          {
            label: `${trend.variant} median (95% CI)`,
            data: trend.points.map((p) => p.median * scale),
            borderColor: tunedColor,
            backgroundColor: tunedColor,
            errorBars: trend.points.map((p) => ({ low: p.ciLow * scale, high: p.ciHigh * scale })),
            errorBarColor: tunedColor,
            pointRadius: 4,
            tension: 0,
          },
          ...bandDatasets,
        ],
      },
      options: { ...baseOptions(), scales: { x: axis('run', { offset: true }), y: axis(unitAxis, fittedRange(trend, scale)) } },
    },
    table: {
      caption: title,
      headers: ['Run', 'Started', `${trend.variant} median`, '95% CI', 'Baseline median'],
      rows: trend.points.map((p) => [
        p.runId, p.startedAt ?? '', formatMetricValue(p.median, trend.unit), formatMetricInterval(p.ciLow, p.ciHigh, trend.unit),
        p.baselineMedian === null ? '' : formatMetricValue(p.baselineMedian, trend.unit),
      ]),
    },
  };
}

/** The y range of a trend chart: the data and band with a margin, never below zero for values that cannot be. */
function fittedRange(trend: Trend, scale: number): { min: number; max: number } {
  const values = [...trend.points.flatMap((p) => [p.ciLow, p.ciHigh, p.median]), ...(trend.band ? [trend.band.low, trend.band.high] : [])].map((v) => v * scale);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = high > low ? (high - low) * 0.1 : Math.max(1, Math.abs(high) * 0.1);
  return { min: low >= 0 ? Math.max(0, low - pad) : low - pad, max: high + pad };
}

export type { MetricComparison };

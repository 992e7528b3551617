import { robustBand } from '../stats/robust-band.js';
import { isWorse } from '../stats/direction.js';
import { formatMetricValue, formatMetricInterval } from './format.js';
import type { Results, Trend, TrendPoint, TrendReport, TrendSettings, TrendStatus, WorkloadPerformance } from './results.js';

/**
 * This run against earlier runs of the same scenario. Only runs with the same scenario name and
 * definition hash count (another scenario, or an edited one, measures something else), and only
 * runs that finished (a killed run's numbers are partial); the newest `window` of them are used.
 *
 * The rule, per tuned variant and metric with a better direction: the earlier runs' medians give
 * a robust band, median ± k · 1.4826 · MAD (see robustBand). Run-to-run noise on kind is large
 * and not normal; the band is as wide as that noise was. This run is a regression when both
 *   1. its median lies outside the band on the worse side, and
 *   2. its own 95% interval excludes the earlier runs' median,
 * so a change must stand out from the history's noise and from this run's own. The same on the
 * better side is an improvement (reported, never failing).
 */
export function buildTrendReport(
  history: readonly Results[],
  current: { runId: string; startedAt: string | null; scenario: string; definitionHash: string | undefined; performance: readonly WorkloadPerformance[] },
  settings: TrendSettings,
): TrendReport {
  const ignored = { otherScenario: 0, otherDefinition: 0, unfinished: 0, noHash: 0 };
  const comparable: Results[] = [];
  for (const run of history) {
    if (run.run.runId === current.runId) continue;
    if (run.run.scenario.name !== current.scenario) ignored.otherScenario += 1;
    else if (!run.run.scenario.definitionHash || !current.definitionHash) ignored.noHash += 1;
    else if (run.run.scenario.definitionHash !== current.definitionHash) ignored.otherDefinition += 1;
    else if (run.run.status !== 'completed' || run.outcome?.status === 'cannot-run') ignored.unfinished += 1;
    else comparable.push(run);
  }
  comparable.sort((a, b) => (a.run.startedAt ?? '').localeCompare(b.run.startedAt ?? ''));
  const window = comparable.slice(-settings.window);

  const trends: Trend[] = [];
  for (const workload of current.performance) {
    for (const comparison of workload.comparisons) {
      const points: TrendPoint[] = [];
      for (const run of window) {
        const earlier = run.performance.find((w) => w.workload === workload.workload)
          ?.comparisons?.find((c) => c.metric === comparison.metric && c.variant === comparison.variant);
        const point = earlier ? pointOf(run, earlier.tuned, earlier.baseline) : undefined;
        if (point) points.push(point);
      }
      const now = pointOf({ run: { runId: current.runId, startedAt: current.startedAt } }, comparison.tuned, comparison.baseline);
      if (!now) continue;
      points.push(now);
      trends.push({
        workload: workload.workload,
        variant: comparison.variant,
        metric: comparison.metric,
        label: comparison.label,
        unit: comparison.unit,
        direction: comparison.direction,
        points,
        ...judge(points, comparison.direction, comparison.unit, settings),
      });
    }
  }
  return {
    settings,
    compared: window.map((run) => run.run.runId),
    ignored,
    trends,
    regressions: trends.filter((t) => t.status === 'regression').length,
  };
}

function judge(points: TrendPoint[], direction: Trend['direction'], unit: string, settings: TrendSettings): Pick<Trend, 'band' | 'status' | 'detail'> {
  const current = points.at(-1) as TrendPoint;
  const earlier = points.slice(0, -1).map((p) => p.median);
  if (earlier.length < settings.minRuns) {
    return { band: null, status: 'insufficient-history', detail: `${earlier.length} earlier run${earlier.length === 1 ? '' : 's'} measured it; at least ${settings.minRuns} are needed to judge` };
  }
  const band = robustBand(earlier, settings.k);
  const runs = `the last ${earlier.length} runs`;
  const bandText = `${formatMetricInterval(band.low, band.high, unit)} (median ${formatMetricValue(band.center, unit)} ± ${settings.k} robust SD of ${runs})`;
  if (direction === 'neutral') return { band, status: 'within', detail: 'no better direction: charted, not judged' };
  const outside = (bound: number) => isWorse(direction, current.median, bound) ? 'worse' : isWorse(direction, bound, current.median) ? 'better' : null;
  const worseBound = direction === 'lower-is-better' ? band.high : band.low;
  const betterBound = direction === 'lower-is-better' ? band.low : band.high;
  // This run's own interval must exclude the history's median, on the same side.
  const ownIntervalClear = (side: 'worse' | 'better') => {
    const near = side === 'worse' === (direction === 'lower-is-better') ? current.ciLow : current.ciHigh;
    return side === 'worse' ? isWorse(direction, near, band.center) : isWorse(direction, band.center, near);
  };
  const value = formatMetricValue(current.median, unit);
  const own = `95% CI ${formatMetricInterval(current.ciLow, current.ciHigh, unit)}`;
  let status: TrendStatus = 'within';
  let detail = `median ${value} is within ${bandText}`;
  if (outside(worseBound) === 'worse') {
    if (ownIntervalClear('worse')) {
      status = 'regression';
      detail = `median ${value} (${own}) is worse than ${bandText}`;
    } else {
      detail = `median ${value} is outside ${bandText}, but this run's own ${own} still includes ${formatMetricValue(band.center, unit)}: not called`;
    }
  } else if (outside(betterBound) === 'better' && ownIntervalClear('better')) {
    status = 'improvement';
    detail = `median ${value} (${own}) is better than ${bandText}`;
  }
  return { band, status, detail };
}

function pointOf(run: { run: { runId: string; startedAt: string | null } }, tuned: unknown, baseline: unknown): TrendPoint | undefined {
  // Earlier files come from disk: take a point only when the numbers are really there.
  const stats = tuned as { median?: unknown; ci?: { low?: unknown; high?: unknown } } | undefined;
  if (!isNumber(stats?.median) || !isNumber(stats?.ci?.low) || !isNumber(stats?.ci?.high)) return undefined;
  const base = (baseline as { median?: unknown } | undefined)?.median;
  return {
    runId: run.run.runId,
    startedAt: run.run.startedAt,
    label: run.run.startedAt ? run.run.startedAt.slice(0, 16).replace('T', ' ') : run.run.runId,
    median: stats.median,
    ciLow: stats.ci.low,
    ciHigh: stats.ci.high,
    baselineMedian: isNumber(base) ? base : null,
  };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

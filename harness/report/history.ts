import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { formatNumber } from '../results/format.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/results.js';
import { isWorse } from '../stats/direction.js';

export interface TrendPoint {
  runId: string;
  startedAt: string | null;
  /** Short x-axis label: the date and time of the run. */
  label: string;
  median: number;
  ciLow: number;
  ciHigh: number;
  baselineMedian: number | null;
}

export interface Trend {
  workload: string;
  variant: string;
  metric: string;
  unit: string;
  points: TrendPoint[];
  /**
   * Set when this run's median is worse than the previous run's whole 95% interval (above its
   * high end for lower-is-better metrics, below its low end for higher-is-better ones).
   */
  regression: string | null;
}

export interface History {
  runs: Results[];
  warnings: string[];
}

/** Reads `<dir>/<run>/results.json` for each earlier run; unreadable ones are skipped with a warning. */
export async function loadHistory(dir: string, excludeRunId?: string): Promise<History> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`cannot read the history folder ${dir}`, {
      where: '--history',
      fix: 'point --history at a folder whose sub-folders are earlier run directories (each with results.json)',
      cause: error,
    });
  }
  const runs: Results[] = [];
  const warnings: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name, 'results.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      // Not a finished run directory (or not a run directory at all, like test-artifacts/): not news.
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      warnings.push(`history: ${path} skipped (not JSON)`);
      continue;
    }
    if (!isResults(parsed)) {
      warnings.push(`history: ${path} skipped (not results.json schemaVersion ${RESULTS_SCHEMA_VERSION})`);
      continue;
    }
    if (parsed.run.runId === excludeRunId) continue;
    runs.push(parsed);
  }
  runs.sort((a, b) => (a.run.startedAt ?? '').localeCompare(b.run.startedAt ?? ''));
  return { runs, warnings };
}

function isResults(value: unknown): value is Results {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Results>;
  return v.schemaVersion === RESULTS_SCHEMA_VERSION && typeof v.run === 'object' && Array.isArray(v.performance);
}

/** One trend per workload, tuned variant and metric seen in the current run, over history + current. */
export function buildTrends(history: readonly Results[], current: Results): Trend[] {
  const runs = [...history, current];
  const trends: Trend[] = [];
  for (const workload of current.performance) {
    for (const comparison of workload.comparisons) {
      const points: TrendPoint[] = [];
      for (const run of runs) {
        const c = run.performance.find((w) => w.workload === workload.workload)
          ?.comparisons?.find((x) => x.metric === comparison.metric && x.variant === comparison.variant);
        // Earlier files come from disk: take a point only when the numbers are really there.
        if (!c || !isNumber(c.tuned?.median) || !isNumber(c.tuned?.ci?.low) || !isNumber(c.tuned?.ci?.high)) continue;
        points.push({
          runId: run.run.runId,
          startedAt: run.run.startedAt,
          label: labelOf(run),
          median: c.tuned.median,
          ciLow: c.tuned.ci.low,
          ciHigh: c.tuned.ci.high,
          baselineMedian: isNumber(c.baseline?.median) ? c.baseline.median : null,
        });
      }
      trends.push({
        workload: workload.workload,
        variant: comparison.variant,
        metric: comparison.metric,
        unit: comparison.unit,
        points,
        regression: regressionOf(points, comparison.direction),
      });
    }
  }
  return trends;
}

function regressionOf(points: TrendPoint[], direction: Parameters<typeof isWorse>[0]): string | null {
  const current = points.at(-1);
  const previous = points.at(-2);
  if (!current || !previous || direction === 'neutral') return null;
  const bound = direction === 'lower-is-better' ? previous.ciHigh : previous.ciLow;
  if (!isWorse(direction, current.median, bound)) return null;
  const side = direction === 'lower-is-better' ? 'above' : 'below';
  return `median ${formatNumber(current.median)} is ${side} the previous run's 95% interval `
    + `(${formatNumber(previous.ciLow)} to ${formatNumber(previous.ciHigh)}, run ${previous.runId})`;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function labelOf(run: Results): string {
  const at = run.run.startedAt;
  return at ? at.slice(0, 16).replace('T', ' ') : run.run.runId;
}

import { join } from 'node:path';
import {
  formatDifferenceInterval, formatDuration, formatMetricInterval, formatMetricValue, formatPercent,
} from '../results/format.js';
import type { Expectation, MetricComparison, Results } from '../results/results.js';

const MARK: Record<Expectation['status'], string> = { passed: '✓', failed: '✗', skipped: '–' };
const STATUS: Record<Results['outcome']['status'], string> = { passed: 'PASSED', failed: 'FAILED', 'cannot-run': 'COULD NOT RUN' };
/** Past this many, the key metrics are the ones a threshold names or that changed. */
const MAX_METRICS = 8;

/**
 * What `run` prints at its end, for the person at the terminal: the outcome, ✓/✗ per expectation
 * (– for skipped), the key metrics with their 95% CIs, regressions against earlier runs, and
 * where the report is. Plain text without colour codes, so that CI logs read the same.
 */
export function formatRunSummary(results: Results, runDir: string): string {
  const { outcome, run } = results;
  const lines: string[] = [];
  lines.push(`${run.scenario.name}: ${STATUS[outcome.status]} (exit ${outcome.exitCode})${run.durationMs !== null ? ` in ${formatDuration(run.durationMs)}` : ''}`);
  lines.push(`  ${outcome.reason}`);
  if (results.expectations.length) {
    lines.push('', 'Expectations:');
    const width = Math.max(...results.expectations.map((e) => e.category.length));
    for (const e of results.expectations) {
      const why = e.status === 'passed' ? '' : ` — ${e.status === 'skipped' ? 'skipped: ' : ''}${firstLine(e.detail)}`;
      lines.push(`  ${MARK[e.status]} ${e.category.padEnd(width)}  ${e.name}${why}`);
    }
  }
  const metrics = keyMetrics(results);
  if (metrics.length) {
    lines.push('', 'Key metrics (median of measured repetitions, 95% CI):');
    for (const { workload, c } of metrics) {
      lines.push(`  ${workload} · ${c.label} (${c.metric})`);
      lines.push(`      ${c.baselineVariant} ${formatMetricValue(c.baseline.median, c.unit)} (${formatMetricInterval(c.baseline.ci.low, c.baseline.ci.high, c.unit)})`
        + ` → ${c.variant} ${formatMetricValue(c.tuned.median, c.unit)} (${formatMetricInterval(c.tuned.ci.low, c.tuned.ci.high, c.unit)})`
        + `; ${formatPercent(c.changePercent)}, difference ${formatDifferenceInterval(c.difference.ci.low, c.difference.ci.high, c.unit)}: ${c.verdict.replaceAll('-', ' ')}`);
    }
  }
  const regressions = results.trends?.trends.filter((t) => t.status === 'regression') ?? [];
  if (results.trends && regressions.length) {
    lines.push('', `Regressions against the last ${results.trends.compared.length} runs${results.trends.settings.failOnRegression ? '' : ' (reported, not failing)'}:`);
    for (const t of regressions) lines.push(`  ✗ ${t.workload} [${t.variant}] ${t.label} (${t.metric}): ${t.detail}`);
  }
  lines.push('', `Report: ${join(runDir, 'index.html')}`);
  return `${lines.join('\n')}\n`;
}

function keyMetrics(results: Results): { workload: string; c: MetricComparison }[] {
  const all = results.performance.flatMap((w) => w.comparisons.map((c) => ({ workload: w.workload, c })));
  if (all.length <= MAX_METRICS) return all;
  const named = new Set(results.thresholds.map((t) => `${t.workload}\u0000${t.metric}`));
  const key = all.filter(({ workload, c }) => named.has(`${workload}\u0000${c.metric}`) || c.verdict !== 'no-detectable-change');
  return key.slice(0, MAX_METRICS);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

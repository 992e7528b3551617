import { formatNumber, formatP, formatPercent, formatSysctls, formatWithUnit } from '../results/format.js';
import type { Results } from '../results/results.js';
import { describeThreshold } from '../results/expectations.js';
import type { Trend } from './history.js';

/** Escapes text for a GitHub-flavoured Markdown table cell (pipes, newlines, HTML). */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

function mdTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.map(mdCell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

const STATUS_LINE = { passed: '✅ passed', failed: '❌ failed', 'cannot-run': '⚠️ could not run' } as const;

/** `summary.md`: short enough for a CI job summary or a PR comment; the HTML has the rest. */
export function renderSummaryMarkdown(results: Results, trends?: Trend[]): string {
  const { outcome, recommendation, run } = results;
  const lines: string[] = [];
  lines.push(`## sysctl-bench: ${mdCell(run.scenario.name)} — ${STATUS_LINE[outcome.status]} (exit ${outcome.exitCode})`);
  lines.push('');
  if (run.scenario.description) lines.push(`_${mdCell(run.scenario.description)}_`, '');
  lines.push(mdCell(recommendation.summary));
  lines.push('');
  const count = (c: string) => {
    const list = results.expectations.filter((e) => e.category === c);
    return `${list.filter((e) => e.passed).length}/${list.length}`;
  };
  lines.push(`Expectations held: admission ${count('admission')}, isolation ${count('isolation')}, thresholds ${count('threshold')}. Run \`${mdCell(run.runId)}\`, ${run.status}.`);

  const failed = results.expectations.filter((e) => !e.passed);
  if (outcome.status === 'cannot-run') {
    lines.push('', `**Could not run:** ${mdCell(outcome.reason)}`);
  }
  if (failed.length) {
    lines.push('', '### Failed expectations', '', mdTable(['Expectation', 'Detail'], failed.map((e) => [e.name, e.detail])));
  }

  const rows = results.performance.flatMap((w) => w.comparisons.map((c) => [
    w.workload,
    c.metric,
    formatWithUnit(c.baseline.median, c.unit),
    `${formatWithUnit(c.tuned.median, c.unit)}${c.variant === 'tuned' ? '' : ` (${c.variant})`}`,
    formatPercent(c.changePercent),
    formatP(c.pValue),
    c.verdict.replaceAll('-', ' '),
  ]));
  if (rows.length) {
    lines.push('', '### Performance (medians of measured repetitions)', '', mdTable(['Workload', 'Metric', 'Baseline', 'Tuned', 'Change', 'p', 'Verdict'], rows));
  }

  if (results.admission.total) {
    lines.push('', '### Admission (predicted → observed)', '', mdTable(['Workload', 'Variant', 'Pool', 'Sysctls', 'Predicted', 'Observed', 'Match'],
      results.admission.cases.map((c) => [
        c.workload, c.variant, c.pool, formatSysctls(c.sysctls), c.predicted.outcome,
        `${c.observed.outcome}${c.observed.reason ? ` (${c.observed.reason})` : ''}`, c.match ? '✅' : '❌',
      ])));
  }

  const regressions = (trends ?? []).filter((t) => t.regression);
  if (regressions.length) {
    lines.push('', '### Regressions against the previous run', '', mdTable(['Workload', 'Metric', 'Detail'], regressions.map((t) => [t.workload, t.metric, t.regression ?? ''])));
  }
  if (results.thresholds.length) {
    lines.push('', '### Thresholds', '', mdTable(['Threshold', 'Actual', 'Result'], results.thresholds.map((t) => [
      describeThreshold(t, t.evaluatedVariant),
      t.actual === null ? '—' : formatNumber(t.actual),
      t.passed ? '✅' : '❌',
    ])));
  }
  lines.push('', '_Full report with charts, isolation proofs and rollout artifacts: `index.html` in the run directory._', '');
  return lines.join('\n');
}

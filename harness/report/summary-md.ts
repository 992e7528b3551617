import {
  formatDifferenceInterval, formatDuration, formatMetricInterval, formatMetricValue, formatP, formatPercent, formatSysctls,
} from '../results/format.js';
import type { Expectation, Results } from '../results/results.js';
import { admissionVersionsDiffer, describeThreshold } from '../results/expectations.js';
import { mdCell, mdCode, mdTable, mdText } from './markdown.js';

export { mdCell } from './markdown.js';

const STATUS_LINE = { passed: '✅ passed', failed: '❌ failed', 'cannot-run': '⚠️ could not run' } as const;

/**
 * `summary.md`: short enough for a CI job summary or a PR comment; the HTML has the rest. Every
 * string from the data is escaped (mdText, mdCode): a workload name or a kubelet message cannot
 * turn into a link, an image, an @mention or HTML.
 */
export function renderSummaryMarkdown(results: Results): string {
  const { outcome, recommendation, run, trends } = results;
  const lines: string[] = [];
  lines.push(`## sysctl-bench: ${mdText(run.scenario.name)} — ${STATUS_LINE[outcome.status]} (exit ${outcome.exitCode})`);
  lines.push('');
  if (run.scenario.description) lines.push(`_${mdText(run.scenario.description)}_`, '');
  lines.push(mdText(recommendation.summary));
  lines.push('');
  const count = (category: Expectation['category']) => {
    const list = results.expectations.filter((e) => e.category === category && e.status !== 'skipped');
    return list.length ? `${list.filter((e) => e.passed).length}/${list.length}` : '';
  };
  const counts = ([['admission', 'admission'], ['isolation', 'isolation'], ['threshold', 'thresholds'], ['trend', 'trends']] as const)
    .map(([category, label]) => (count(category) ? `${label} ${count(category)}` : '')).filter(Boolean);
  const skipped = results.expectations.filter((e) => e.status === 'skipped');
  lines.push(`Expectations held: ${counts.join(', ') || 'none recorded'}${skipped.length ? `; ${skipped.length} skipped` : ''}. `
    + `Run ${mdCode(run.runId)}, ${mdText(run.status)}${run.durationMs !== null ? ` in ${formatDuration(run.durationMs)}` : ''}.`);

  const host = results.hostKernel;
  if (host) {
    const foreign = new Set(host.foreign.map((d) => d.name));
    const ours = host.changes.filter((c) => !foreign.has(c.name));
    const changed = ours.length ? `${ours.length} changed (${ours.map((c) => `${mdCode(c.name)} ${mdText(c.found ?? '(absent)')} by ${mdText(c.who.split(' (')[0] ?? c.who)}${c.restored ? ', put back' : ''}`).join('; ')})` : 'nothing changed';
    lines.push('', host.status === 'restored'
      ? `This machine's kernel (kind nodes share it): ${changed}; ${host.remaining.length === 0 ? `all ${host.compared} /proc/sys entries read as before the first cluster` : `still different: ${host.remaining.map((d) => mdCode(d.name)).join(', ')}`}.`
      : `This machine's kernel (kind nodes share it): ${changed}; put back by the last run once ${mdText(host.waitingFor.join(', '))} ${host.waitingFor.length === 1 ? 'is' : 'are'} gone.`);
    if (host.foreign.length) lines.push('', `Changed by another program during the run (not counted, not put back): ${host.foreign.map((d) => `${mdCode(d.name)} ${mdText(d.before ?? '(absent)')} → ${mdText(d.after ?? '(absent)')}`).join(', ')}.`);
  }

  if (outcome.status === 'cannot-run') lines.push('', `**Could not run:** ${mdText(outcome.reason)}`);
  const failed = results.expectations.filter((e) => e.status === 'failed');
  if (failed.length) {
    lines.push('', '### Failed expectations', '', mdTable(['Expectation', 'Detail'], failed.map((e) => [mdCell(e.name), mdCell(e.detail)])));
  }
  if (skipped.length) {
    lines.push('', '### Skipped (not measured or not carried out)', '', mdTable(['Expectation', 'Why'], skipped.map((e) => [mdCell(e.name), mdCell(e.detail)])));
  }

  const regressions = trends?.trends.filter((t) => t.status === 'regression') ?? [];
  if (trends && regressions.length) {
    lines.push('', `### Regressions against the last ${trends.compared.length} runs of this scenario`, '',
      trends.settings.failOnRegression ? 'The scenario fails on regressions (`spec.trends.failOnRegression`).' : 'Reported only: the scenario does not fail on regressions (`spec.trends.failOnRegression` is off).',
      '', mdTable(['Workload', 'Metric', 'This run (95% CI)', 'Earlier runs', 'Detail'], regressions.map((t) => {
        const now = t.points.at(-1);
        return [
          `${mdCell(t.workload)} \\[${mdCell(t.variant)}\\]`,
          `${mdCell(t.label)} ${mdCode(t.metric, { inTable: true })}`,
          now ? `${mdCell(formatMetricValue(now.median, t.unit))} (${mdCell(formatMetricInterval(now.ciLow, now.ciHigh, t.unit))})` : '—',
          t.band ? mdCell(`median ${formatMetricValue(t.band.center, t.unit)}, band ${formatMetricInterval(t.band.low, t.band.high, t.unit)}`) : '—',
          mdCell(t.detail),
        ];
      })));
  }

  const rows = results.performance.flatMap((w) => w.comparisons.map((c) => [
    mdCell(w.workload),
    `${mdCell(c.label)} ${mdCode(c.metric, { inTable: true })}`,
    `${mdCell(formatMetricValue(c.baseline.median, c.unit))} (${mdCell(formatMetricInterval(c.baseline.ci.low, c.baseline.ci.high, c.unit))})`,
    `${mdCell(formatMetricValue(c.tuned.median, c.unit))} (${mdCell(formatMetricInterval(c.tuned.ci.low, c.tuned.ci.high, c.unit))})${c.variant === 'tuned' ? '' : ` \\[${mdCell(c.variant)}\\]`}`,
    mdCell(formatDifferenceInterval(c.difference.ci.low, c.difference.ci.high, c.unit)),
    mdCell(formatPercent(c.changePercent)),
    mdCell(formatP(c.pValue)),
    mdCell(c.verdict.replaceAll('-', ' ')),
  ]));
  if (rows.length) {
    lines.push('', '### Performance (median of the measured repetitions, with its 95% CI)', '',
      mdTable(['Workload', 'Metric', 'Baseline', 'Tuned', 'Difference, 95% CI', 'Change', 'p', 'Verdict'], rows));
  }

  if (results.admission.total) {
    // A version-matrix run: the same rows once per Kubernetes version, each naming its own.
    const several = admissionVersionsDiffer(results.admission.cases);
    lines.push('', '### Admission (predicted → observed)', '', mdTable([...(several ? ['Kubernetes'] : []), 'Workload', 'Variant', 'Pool', 'Sysctls', 'Predicted', 'Observed', 'Match'],
      results.admission.cases.map((c) => [
        ...(several ? [mdCell(c.kubernetesVersion ?? 'unknown')] : []), mdCell(c.workload), mdCell(c.variant), mdCell(c.pool), mdCode(formatSysctls(c.sysctls), { inTable: true }), mdCell(c.predicted.outcome),
        mdCell(`${c.observed.outcome}${c.observed.reason ? ` (${c.observed.reason})` : ''}`), c.match ? '✅' : '❌',
      ])));
  }

  // What no kubelet allowlist changes (Pod Security at the API server, values the kubelet imposes):
  // a reviewer reading only this file must see it before rolling out.
  const notes = results.rolloutNotes ?? [];
  if (notes.length) {
    lines.push('', '### Before rolling out', '', ...notes.map((note) => `- ${mdText(note.message)}`));
  }

  if (results.thresholds.length) {
    lines.push('', '### Thresholds', '', mdTable(['Threshold', 'Actual median', 'Result'], results.thresholds.map((t) => [
      mdCell(describeThreshold(t, t.evaluatedVariant)),
      t.actual === null ? '—' : mdCell(formatMetricValue(t.actual, t.unit ?? '')),
      t.status === 'passed' ? '✅' : t.status === 'skipped' ? '⏭️ skipped' : '❌',
    ])));
  }
  lines.push('', '_Full report with charts, isolation proofs and rollout artifacts: `index.html` in the run directory._', '');
  return lines.join('\n');
}

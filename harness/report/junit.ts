import junitReportBuilder, { type Builder } from 'junit-report-builder';
import type { Expectation, Results, TrendReport } from '../results/results.js';

/**
 * `junit.xml`: one test case per expectation (admission prediction, isolation proof, threshold,
 * trend when the scenario fails on regressions), grouped in a suite per kind, so that CI systems
 * show them as tests and keep their history:
 * - names are stable across runs of a scenario (they name what is expected, never what was
 *   measured, and thresholds name their variant from the scenario);
 * - every test case has a time: the duration of the run phase that decided it, shared evenly
 *   among the cases of that phase (a suite's time is then its phases' time);
 * - what a run that stopped early could not judge is skipped, with the reason;
 * - a regression against earlier runs that the scenario does not fail on is a skipped case of the
 *   `sysctl-bench.trend` suite whose message says so: visible, but not failing the job.
 * A run that could not be carried out adds one errored test case with the reason.
 */
// Node's ESM loader hands over module.exports (the builder itself); the package's typings describe
// the CommonJS module object instead. Accept either shape.
const rootBuilder = ((junitReportBuilder as unknown as { default?: Builder }).default ?? junitReportBuilder) as unknown as Builder;

export function renderJunit(results: Results): string {
  const builder = rootBuilder.newBuilder();
  builder.name(`sysctl-bench ${results.run.scenario.name}`);
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  const suiteSeconds = new Map<string, number>();
  const suiteFor = (category: string, seconds: number) => {
    let suite = suites.get(category);
    if (!suite) {
      suite = builder.testSuite().name(`sysctl-bench.${category}`);
      if (results.run.startedAt) suite.timestamp(results.run.startedAt);
      suites.set(category, suite);
    }
    // A suite's time is its cases' (the builder does not add them up).
    const total = (suiteSeconds.get(category) ?? 0) + seconds;
    suiteSeconds.set(category, total);
    suite.time(Math.round(total * 1000) / 1000);
    return suite;
  };
  // junit-report-builder writes a bare <skipped/>; the reasons are filled in afterwards, in order.
  const skipReasons: string[] = [];
  const secondsOf = caseSeconds(results);

  if (results.outcome.status === 'cannot-run') {
    const time = seconds(results.run.durationMs ?? results.phases.reduce((sum, p) => sum + p.durationMs, 0));
    suiteFor('run', time).testCase().className('sysctl-bench.run').name('the run was carried out').time(time)
      .error(results.outcome.reason, 'CannotRun');
  }
  for (const e of results.expectations) {
    const time = secondsOf(e);
    const testCase = suiteFor(e.category, time).testCase().className(`sysctl-bench.${e.category}`).name(e.name).time(time);
    testCase.standardOutput(`${e.id}\n${e.detail}`);
    if (e.status === 'failed') testCase.failure(e.detail, 'ExpectationFailed');
    if (e.status === 'skipped') {
      testCase.skipped();
      skipReasons.push(e.detail);
    }
  }
  for (const trend of unenforcedRegressions(results.trends)) {
    suiteFor('trend', 0).testCase().className('sysctl-bench.trend').name(`${trend.workload} [${trend.variant}] ${trend.metric} against earlier runs`).time(0)
      .standardOutput(trend.detail)
      .skipped();
    skipReasons.push(`regression, not failing the run (spec.trends.failOnRegression is off): ${trend.detail}`);
  }
  let next = 0;
  return builder.build().replace(/<skipped\/>/g, () => `<skipped message="${xmlAttribute(skipReasons[next++] ?? 'skipped')}"/>`);
}

function unenforcedRegressions(trends: TrendReport | null) {
  if (!trends || trends.settings.failOnRegression) return [];
  return trends.trends.filter((t) => t.status === 'regression');
}

/** Each expectation's share of the phase that decided it, in seconds. */
function caseSeconds(results: Results): (e: Expectation) => number {
  const phaseMs = new Map<string, number>();
  for (const p of results.phases) phaseMs.set(p.name, (phaseMs.get(p.name) ?? 0) + p.durationMs);
  const casesPerPhase = new Map<string, number>();
  for (const e of results.expectations) if (e.phase) casesPerPhase.set(e.phase, (casesPerPhase.get(e.phase) ?? 0) + 1);
  return (e) => {
    if (!e.phase || e.status === 'skipped') return 0;
    return seconds((phaseMs.get(e.phase) ?? 0) / (casesPerPhase.get(e.phase) ?? 1));
  };
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function xmlAttribute(text: string): string {
  // XML 1.0 allows no control characters but tab, newline and carriage return.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

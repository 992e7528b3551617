import junitReportBuilder, { type Builder } from 'junit-report-builder';
import type { Results } from '../results/results.js';

/**
 * `junit.xml`: one test case per expectation (admission prediction, isolation proof, threshold),
 * grouped in a suite per kind, so CI systems show them as tests. A run that could not be carried
 * out is one errored test case with the reason.
 */
// Node's ESM loader hands over module.exports (the builder itself); the package's typings describe
// the CommonJS module object instead. Accept either shape.
const rootBuilder = ((junitReportBuilder as unknown as { default?: Builder }).default ?? junitReportBuilder) as unknown as Builder;

export function renderJunit(results: Results): string {
  const builder = rootBuilder.newBuilder();
  builder.name(`sysctl-bench ${results.run.scenario.name}`);
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  const suiteFor = (category: string) => {
    let suite = suites.get(category);
    if (!suite) {
      suite = builder.testSuite().name(`sysctl-bench.${category}`);
      if (results.run.startedAt) suite.timestamp(results.run.startedAt);
      suites.set(category, suite);
    }
    return suite;
  };
  if (results.outcome.status === 'cannot-run') {
    suiteFor('run').testCase().className('sysctl-bench.run').name('the run was carried out').error(results.outcome.reason, 'CannotRun');
  }
  for (const e of results.expectations) {
    const testCase = suiteFor(e.category).testCase().className(`sysctl-bench.${e.category}`).name(e.name);
    testCase.standardOutput(`${e.id}\n${e.detail}`);
    if (!e.passed) testCase.failure(e.detail, 'ExpectationFailed');
  }
  return builder.build();
}

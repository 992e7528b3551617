import type { Results } from '../results/results.js';

/**
 * GitHub Actions workflow commands for what a CI reader must see without opening the reports:
 * an `::error` per failed expectation (and for a run that could not be carried out), a `::warning`
 * per regression the scenario does not fail on. Empty unless GITHUB_ACTIONS is "true". Pure: the
 * caller prints the lines (`run` at its end, `report` after rebuilding).
 */
export function githubAnnotations(results: Results, env: Readonly<Record<string, string | undefined>>): string[] {
  if (env.GITHUB_ACTIONS !== 'true') return [];
  const scenario = results.run.scenario;
  // An annotation with a file shows on that file in the PR diff; only a path inside the repository can be one.
  const file = scenario.file && !scenario.file.startsWith('/') && !scenario.file.startsWith('..') && scenario.file !== 'unknown' ? scenario.file : undefined;
  const command = (level: 'error' | 'warning', title: string, message: string) => {
    const properties = [file ? `file=${escapeProperty(file)}` : '', `title=${escapeProperty(title)}`].filter(Boolean).join(',');
    return `::${level} ${properties}::${escapeData(message)}`;
  };
  const lines: string[] = [];
  if (results.outcome.status === 'cannot-run') {
    lines.push(command('error', `sysctl-bench ${scenario.name}: the run could not be carried out`, results.outcome.reason));
  }
  for (const e of results.expectations) {
    if (e.status === 'failed') lines.push(command('error', `sysctl-bench ${scenario.name}: ${e.name}`, e.detail));
  }
  if (results.trends && !results.trends.settings.failOnRegression) {
    for (const t of results.trends.trends.filter((trend) => trend.status === 'regression')) {
      lines.push(command('warning', `sysctl-bench ${scenario.name}: ${t.workload} [${t.variant}] ${t.metric} regressed against earlier runs`, t.detail));
    }
  }
  return lines;
}

/** The message part: %, CR and LF are encoded (GitHub's own toolkit does the same). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: as the message, plus the : and , that separate properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

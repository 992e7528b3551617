import { ensureOutputDir, writeOutputFile } from '../input/output.js';
import { aggregate } from '../results/aggregate.js';
import { readRawResults } from '../results/raw-reader.js';
import type { Results, TrendReport } from '../results/results.js';
import { thresholdsFromScenario } from '../results/thresholds.js';
import { loadHistory } from './history.js';
import { chartJsSource } from './html/chart-js-source.js';
import { renderHtml } from './html/page.js';
import { renderJunit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

export interface WriteReportsOptions {
  /** A folder of earlier run directories (each with results.json), for trends. */
  history?: string;
  /** Where to write; the run directory itself by default. */
  out?: string;
}

export const REPORT_FILES = {
  results: 'results.json',
  html: 'index.html',
  junit: 'junit.xml',
  summary: 'summary.md',
} as const;

export interface WrittenReports {
  results: Results;
  files: string[];
  /** results.trends: null without a history folder. */
  trends: TrendReport | null;
}

/**
 * Rebuilds every report format of a run from `raw/results.jsonl` alone: results.json, index.html,
 * junit.xml, summary.md. The pipeline calls it at the end of a run, after writing run-finished.
 */
export async function writeReports(runDir: string, options: WriteReportsOptions = {}): Promise<Results> {
  return (await writeReportFiles(runDir, options)).results;
}

/** As writeReports, also telling which files were written (the CLI prints them). */
export async function writeReportFiles(runDir: string, options: WriteReportsOptions = {}): Promise<WrittenReports> {
  const { records, warnings: readWarnings } = await readRawResults(runDir);
  const started = records.find((r) => r.type === 'run-started');
  const { thresholds, warnings: thresholdWarnings } = thresholdsFromScenario(started?.type === 'run-started' ? started.scenario.definition : undefined);
  const history = options.history ? await loadHistory(options.history, started?.type === 'run-started' ? started.runId : undefined) : undefined;
  const results = aggregate(records, thresholds, {
    warnings: [...readWarnings, ...thresholdWarnings, ...(history?.warnings ?? [])],
    ...(history ? { history: history.runs } : {}),
  });

  // Created one level at a time, and files replaced rather than opened: a symbolic link planted
  // where a report goes is never followed out of the folder.
  const out = await ensureOutputDir(options.out ?? runDir, options.out ? '--out' : 'the run directory');
  const html = renderHtml({ results, chartJs: await chartJsSource() });
  const contents: [string, string][] = [
    [REPORT_FILES.results, `${JSON.stringify(results, null, 2)}\n`],
    [REPORT_FILES.html, html],
    [REPORT_FILES.junit, renderJunit(results)],
    [REPORT_FILES.summary, renderSummaryMarkdown(results)],
  ];
  const files: string[] = [];
  for (const [name, text] of contents) files.push(await writeOutputFile(out, name, text));
  return { results, files, trends: results.trends };
}

import { resolve } from 'node:path';
import type { Command } from 'commander';

/** `sysctl-bench report <run-dir>`: rebuilds every report format from raw/results.jsonl. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Rebuild results.json, index.html, junit.xml and summary.md of a run from its raw/results.jsonl; exits with the run\'s exit code')
    .argument('<run-dir>', 'a run directory (reports/<run-id>) holding raw/results.jsonl')
    .option('--history <dir>', 'a folder of earlier run directories (each with results.json), to chart trends and flag regressions')
    .option('--out <dir>', 'where to write the reports (default: the run directory)')
    .action(async (runDir: string, options: { history?: string; out?: string }) => {
      const { writeReportFiles } = await import('../report/write-reports.js');
      const { results, files, trends } = await writeReportFiles(resolve(runDir), {
        ...(options.history ? { history: resolve(options.history) } : {}),
        ...(options.out ? { out: resolve(options.out) } : {}),
      });
      for (const warning of results.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(`${results.run.scenario.name} (${results.run.runId}): ${results.outcome.status}, exit ${results.outcome.exitCode} — ${results.outcome.reason}\n`);
      const regressions = trends?.filter((t) => t.regression).length ?? 0;
      if (trends) process.stdout.write(`trends: ${trends.length} metrics, ${regressions} regression${regressions === 1 ? '' : 's'} against the previous run\n`);
      for (const file of files) process.stdout.write(`wrote ${file}\n`);
      process.exitCode = results.outcome.exitCode;
    });
}

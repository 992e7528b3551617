import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES_HELP } from '../errors.js';
import { oneLine } from '../text/terminal.js';

/** `sysctl-bench report <run-dir>`: rebuilds every report format from raw/results.jsonl. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Rebuild results.json, index.html, junit.xml and summary.md of a run from its raw/results.jsonl; exits with the run\'s exit code')
    .argument('<run-dir>', 'a run directory (reports/<run-id>) holding raw/results.jsonl')
    .option('--history <dir>', 'a folder of earlier run directories (each with results.json): trends against earlier runs of the same scenario, and regressions')
    .option('--out <dir>', 'where to write the reports (default: the run directory)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\nUnder GitHub Actions (GITHUB_ACTIONS=true) failed expectations are also printed as ::error annotations.`)
    .action(async (runDir: string, options: { history?: string; out?: string }) => {
      const [{ writeReportFiles }, { githubAnnotations }] = await Promise.all([import('../report/write-reports.js'), import('../report/github.js')]);
      const { results, files, trends } = await writeReportFiles(resolve(runDir), {
        ...(options.history ? { history: resolve(options.history) } : {}),
        ...(options.out ? { out: resolve(options.out) } : {}),
      });
      // Names, ids and warnings come from the files read: shown, never obeyed, by the terminal.
      for (const warning of results.warnings) process.stderr.write(`warning: ${oneLine(warning)}\n`);
      process.stdout.write(`${oneLine(results.run.scenario.name)} (${oneLine(results.run.runId)}): ${results.outcome.status}, exit ${results.outcome.exitCode} — ${oneLine(results.outcome.reason)}\n`);
      if (trends) {
        const ignored = Object.values(trends.ignored).reduce((sum, n) => sum + n, 0);
        process.stdout.write(`trends: ${trends.trends.length} metrics against ${trends.compared.length} earlier runs of this scenario`
          + `${ignored ? ` (${ignored} other runs in the history folder not comparable)` : ''}: ${trends.regressions} regression${trends.regressions === 1 ? '' : 's'}\n`);
      }
      for (const file of files) process.stdout.write(`wrote ${oneLine(file)}\n`);
      for (const line of githubAnnotations(results, process.env)) process.stdout.write(`${line}\n`);
      process.exitCode = results.outcome.exitCode;
    });
}

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP } from '../errors.js';
import { repoPath } from '../toolchain/paths.js';
import { ensureOutputDir } from '../input/output.js';
import { SCENARIO_LIMITS } from '../scenario/limits.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a scenario end to end on real kind clusters and write reports/<run>/ (HTML, JSON, JUnit, Markdown)')
    .argument('<scenario>', 'scenario file (YAML), e.g. scenarios/net-backlog.yaml')
    .option('--keep', 'keep the clusters after the run, and reuse kept ones (faster reruns)')
    .option('--reports <dir>', 'where run directories are written', repoPath('reports'))
    .option('--scale <factor>', 'scale connections, rates and durations (0 < factor <= 1); tests use a small one', positiveFraction, 1)
    .option('--repetitions <n>', `override the scenario's repetitions per variant (at most ${SCENARIO_LIMITS.repetitions})`, positiveInteger)
    .option('--warmup <n>', `override the scenario's warm-up repetitions (at most ${SCENARIO_LIMITS.warmup})`, nonNegativeInteger)
    .option('--history <dir>', 'earlier run directories, for trends in the HTML report')
    .addHelpText('after', `
${EXIT_CODES_HELP}
A killed run keeps every finished measurement in reports/<run>/raw/results.jsonl;
'sysctl-bench report <run-dir>' rebuilds its reports, and the next run removes its clusters.`)
    .action(async (scenario: string, options: { keep?: boolean; reports: string; scale: number; repetitions?: number; warmup?: number; history?: string }) => {
      // Checked before anything starts: a file in the path or a folder the kernel refuses (/proc)
      // is an error with the path and the fix, not a stack trace or a recursive mkdir that spins.
      const reportsDir = await ensureOutputDir(options.reports, '--reports');
      // Loaded here, not at the top: the Kubernetes client and testcontainers take seconds to load.
      const { runScenario } = await import('../run/pipeline.js');
      const outcome = await runScenario({
        scenarioFile: scenario,
        reportsDir,
        keep: Boolean(options.keep),
        scale: options.scale,
        repetitions: options.repetitions,
        warmup: options.warmup,
        history: options.history,
        say: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`reports: ${outcome.runDir}/index.html (exit ${outcome.exitCode})\n`);
      process.exitCode = outcome.exitCode;
    });
}

function positiveFraction(value: string): number {
  const number = Number(value);
  if (!(number > 0 && number <= 1)) throw new InvalidArgumentError('give a number in (0, 1], e.g. 0.2');
  return number;
}

// The same bounds as the scenario schema's (harness/scenario/limits.ts): a flag cannot ask for more.
function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > SCENARIO_LIMITS.repetitions) throw new InvalidArgumentError(`give a whole number from 1 to ${SCENARIO_LIMITS.repetitions}`);
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > SCENARIO_LIMITS.warmup) throw new InvalidArgumentError(`give a whole number from 0 to ${SCENARIO_LIMITS.warmup}`);
  return number;
}

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, UserError } from '../errors.js';
import { ensureOutputDir } from '../input/output.js';
import type { ProviderChoice } from '../run/pipeline.js';
import { SCENARIO_LIMITS } from '../scenario/limits.js';
import { repoPath } from '../toolchain/paths.js';

interface RunFlags {
  keep?: boolean;
  retain?: boolean;
  reports: string;
  out?: string;
  name?: string;
  kubeconfig?: string;
  context?: string;
  registry?: string;
  allowNodeWrites?: boolean;
  scale: number;
  repetitions?: number;
  warmup?: number;
  history?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a scenario end to end, on kind clusters it creates or on an existing cluster (--kubeconfig), and write the reports (HTML, JSON, JUnit, Markdown)')
    .argument('<scenario>', 'scenario file (YAML), e.g. scenarios/net-backlog.yaml')
    .option('--kubeconfig <file>', 'run on the existing cluster of this kubeconfig instead of creating kind clusters; only a namespace of the run is created there')
    .option('--context <name>', 'the kubeconfig context to use (default: its current context)')
    .option('--registry <host[/path]>', 'where an existing cluster\'s nodes pull the sysctl-bench images from (default: spec.imageRegistry)')
    .option('--allow-node-writes', 'on an existing cluster, also run the proofs that change a node\'s own value and restore it (host-change-not-leaked, node-level-shared); a kubelet is never restarted')
    .option('--name <name>', 'the kind cluster name (default: sb-<scenario>-<short run id>, unique per run)', clusterNameArg)
    .option('--keep', 'keep the kind clusters after the run; with --name, reuse a kept cluster of that name')
    .option('--retain', 'keep the clusters when the run fails, and only then (an existing cluster: the run\'s namespace); remove them with \'sysctl-bench clean\'')
    .option('--out <dir>', 'the run directory (default: <reports>/<run id>)')
    .option('--reports <dir>', 'where run directories are written', repoPath('reports'))
    .option('--scale <factor>', 'scale connections, rates and durations (0 < factor <= 1); tests use a small one', positiveFraction, 1)
    .option('--repetitions <n>', `override the scenario's repetitions per variant (at most ${SCENARIO_LIMITS.repetitions})`, positiveInteger)
    .option('--warmup <n>', `override the scenario's warm-up repetitions (at most ${SCENARIO_LIMITS.warmup})`, nonNegativeInteger)
    .option('--history <dir>', 'earlier run directories, for trends in the HTML report')
    .addHelpText('after', `
${EXIT_CODES_HELP}
On any failure the clusters' logs go to <run dir>/logs/clusters/ (kind export logs; on an
existing cluster the run's pods' logs and events).
A killed run keeps every finished measurement in <run dir>/raw/results.jsonl;
'sysctl-bench report <run-dir>' rebuilds its reports, and the next run removes what it left
(kind clusters, networks and containers on this machine; its namespace on an existing cluster).
'sysctl-bench clean' lists and removes everything sysctl-bench created on this machine.
On kind the nodes share this machine's kernel: its whole /proc/sys is kept before the first
cluster and put back once the last sysctl-bench cluster is gone (docs/host-kernel.md).
Running against a staging cluster: docs/staging-cluster.md.`)
    .action(async (scenario: string, options: RunFlags) => {
      const provider = providerChoice(options);
      // Checked before anything starts: a file in the path or a folder the kernel refuses (/proc)
      // is an error with the path and the fix, not a stack trace or a recursive mkdir that spins.
      const reportsDir = await ensureOutputDir(options.reports, '--reports');
      const out = options.out === undefined ? undefined : await ensureOutputDir(options.out, '--out');
      // Loaded here, not at the top: the Kubernetes client and testcontainers take seconds to load.
      const [{ runScenario }, { formatRunSummary, githubAnnotations }] = await Promise.all([import('../run/pipeline.js'), import('../report/index.js')]);
      const outcome = await runScenario({
        scenarioFile: scenario,
        reportsDir,
        ...(out ? { out } : {}),
        ...(options.name ? { name: options.name } : {}),
        provider,
        keep: Boolean(options.keep),
        retain: Boolean(options.retain),
        scale: options.scale,
        repetitions: options.repetitions,
        warmup: options.warmup,
        history: options.history,
        say: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(outcome.results ? `\n${formatRunSummary(outcome.results, outcome.runDir)}\n` : `reports: ${outcome.runDir}/index.html (exit ${outcome.exitCode})\n`);
      // Under GitHub Actions, each failed expectation as an annotation on the job (nothing elsewhere).
      if (outcome.results) for (const line of githubAnnotations(outcome.results, process.env)) process.stdout.write(`${line}\n`);
      process.exitCode = outcome.exitCode;
    });
}

function providerChoice(options: RunFlags): ProviderChoice {
  if (options.kubeconfig === undefined) {
    for (const [flag, given] of [['--context', options.context], ['--registry', options.registry], ['--allow-node-writes', options.allowNodeWrites]] as const) {
      if (given !== undefined) throw new UserError(`${flag} is for an existing cluster`, { fix: 'add --kubeconfig FILE, or drop the flag to run on kind' });
    }
    return { kind: 'kind' };
  }
  if (options.name !== undefined || options.keep) {
    throw new UserError('--name and --keep are for kind clusters sysctl-bench creates', { fix: 'drop them with --kubeconfig: an existing cluster is neither named nor kept by sysctl-bench' });
  }
  return {
    kind: 'existing',
    kubeconfig: options.kubeconfig,
    ...(options.context ? { context: options.context } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    allowNodeWrites: Boolean(options.allowNodeWrites),
  };
}

function clusterNameArg(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(value)) throw new InvalidArgumentError('give lowercase letters, digits and -, at most 40 characters (kind derives node hostnames from it)');
  return value;
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

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { RAW_RESULTS_FILE } from '../results/raw.js';
import { writeReports } from '../report/write-reports.js';
import type { Results } from '../results/results.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { clusterNamer } from '../plan/plan.js';
import type { ClusterProvider } from '../provider/types.js';
import { Interrupted } from './abort.js';
import { removeOwnership } from './ownership.js';
import { runPhases } from './phases/index.js';
import { RunContext } from './run-context.js';
import { runPhaseList } from './runner.js';
import type { Phase, RunState } from './state.js';

/** Where the clusters come from: kind clusters this run creates, or an existing cluster by kubeconfig. */
export type ProviderChoice =
  | { kind: 'kind' }
  | { kind: 'existing'; kubeconfig: string; context?: string; registry?: string; allowNodeWrites: boolean };

export interface RunOptions {
  scenarioFile: string;
  /** The parent of the run directory (reports/ by default); ignored with `out`. */
  reportsDir: string;
  /** The run directory itself (--out). */
  out?: string;
  /** The cluster name (--name); default sb-<scenario>-<short run id>, unique per run. */
  name?: string;
  provider?: ProviderChoice;
  /** Keep the clusters (kind) instead of deleting them at the end, and reuse one of the same --name. */
  keep: boolean;
  /** Keep the clusters (an existing cluster: the run's namespace) only when the run fails. */
  retain?: boolean;
  /** Scale load sizes and durations (end-to-end tests use a small one). */
  scale: number;
  /** Override the scenario's repetitions and warm-up. */
  repetitions?: number;
  warmup?: number;
  history?: string;
  say: (line: string) => void;
  /** The phases to run (tests pass their own list with a fake provider). */
  phases?: readonly Phase[];
  /** A provider made elsewhere (tests); otherwise made from `provider`. */
  providerInstance?: ClusterProvider;
}

export interface RunOutcome {
  runDir: string;
  results: Results | undefined;
  exitCode: number;
}

/** A run id: <UTC time>-<scenario>-<4 random base-36 characters>, readable and unique per run. */
export function newRunIds(scenarioName: string, now = new Date()): { runId: string; shortId: string } {
  const shortId = BigInt(`0x${randomBytes(4).toString('hex')}`).toString(36).padStart(4, '0').slice(-4);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return { runId: `${stamp}-${scenarioName}-${shortId}`, shortId };
}

export async function makeProvider(choice: ProviderChoice, keep: boolean, scenario: Scenario): Promise<ClusterProvider> {
  switch (choice.kind) {
    case 'kind': {
      const { KindProvider } = await import('../provider/kind/provider.js');
      return new KindProvider({ keep, kubernetesVersions: scenario.spec.kubernetesVersions });
    }
    case 'existing': {
      const { ExistingProvider } = await import('../provider/existing/provider.js');
      return new ExistingProvider({
        kubeconfig: choice.kubeconfig, ...(choice.context ? { context: choice.context } : {}),
        registry: choice.registry ?? scenario.spec.imageRegistry, allowNodeWrites: choice.allowNodeWrites,
      });
    }
    default: {
      const never: never = choice;
      throw new Error(`unknown provider ${JSON.stringify(never)}`);
    }
  }
}

/**
 * scenario file -> plan -> clusters -> workloads -> load -> measurements -> report.
 * Every measurement is appended to raw/results.jsonl as it ends; whatever happens, what the run
 * created is removed (unless --keep) once the running phase has stopped, and the reports are
 * written from what was kept.
 */
export async function runScenario(options: RunOptions): Promise<RunOutcome> {
  const scenario = loadScenario(options.scenarioFile);
  // Made before the run directory: a wrong kubeconfig, context or registry is the user's mistake (exit 2, nothing written).
  const provider = options.providerInstance ?? await makeProvider(options.provider ?? { kind: 'kind' }, options.keep, scenario);
  const ids = newRunIds(scenario.metadata.name);
  const runDir = resolve(options.out ?? resolve(options.reportsDir, ids.runId));
  if (options.out !== undefined && existsSync(join(runDir, RAW_RESULTS_FILE))) {
    // Raw results are append-only: a second run there would mix its records with the first's.
    throw new UserError(`--out ${options.out} holds a run already (${RAW_RESULTS_FILE})`, { fix: 'give --out a new or empty folder' });
  }
  const controller = new AbortController();
  const context = await RunContext.open(ids, runDir, options.say, controller.signal);
  options.say(`run ${ids.runId}: ${scenario.metadata.name} -> ${runDir}`);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    options.say(`${signal}: stopping the running phase, then cleaning up (a second ${signal} is ignored until cleanup ends)`);
    controller.abort(new Interrupted(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let outcome;
  try {
    const state: RunState = {
      scenario,
      settings: {
        scenarioFile: options.scenarioFile,
        keep: options.keep,
        runOptions: {
          scale: options.scale,
          ...(options.repetitions !== undefined ? { repetitions: options.repetitions } : {}),
          ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
        },
        retain: options.retain ?? false,
        measure: { repetitions: options.repetitions ?? scenario.spec.repetitions ?? 3, warmup: options.warmup ?? scenario.spec.warmup ?? 1, scale: options.scale },
      },
      provider,
      run: context,
      clusterName: clusterNamer(scenario.metadata.name, ids.shortId, options.name),
    };
    outcome = await runPhaseList(options.phases ?? runPhases, state, context);
  } finally {
    // Kept clusters keep their record: the next runs leave them, `sysctl-bench clean` finds them.
    if (!options.keep && context.retained.length === 0) removeOwnership(ids.runId);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await context.record({ type: 'run-finished', finishedAt: new Date().toISOString(), status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}) });
  // The report phase times itself into the raw results, so the reports are written twice: the
  // second pass (a fraction of a second) carries the first one's timing.
  await context.phase('report', () => writeReports(runDir, { history: options.history }));
  await context.raw.close();
  const results = await writeReports(runDir, { history: options.history });
  return { runDir, results, exitCode: results.outcome.exitCode };
}

import type { HostBegin, HostEnd } from '../host/guard.js';
import type { MeasureOptions } from '../measure/schedule.js';
import type { Plan, PlannedDeployment } from '../plan/plan.js';
import type { Cluster, ClusterFacts, ClusterProvider, ImageSet, KernelSnapshot } from '../provider/types.js';
import type { Scenario } from '../scenario/schema.js';
import type { RunRecorder } from './run-context.js';

export interface RunSettings {
  scenarioFile: string;
  measure: MeasureOptions;
  /** Keep what the run created (kind clusters) instead of removing it at the end. */
  keep: boolean;
  /** What the command line changed of the scenario's own sizes (recorded: the scale enters the definition hash). */
  runOptions: { scale?: number; repetitions?: number; warmup?: number };
  /** Keep the clusters only when the run fails (--retain). */
  retain: boolean;
}

export interface DeployedWorkload {
  deployment: PlannedDeployment;
  admitted: boolean;
}

/**
 * The one state every phase reads and adds to, in the order of the phase list: images and facts,
 * then the plan, the clusters, what was deployed, and the kernel as it was before.
 */
export interface RunState {
  readonly scenario: Scenario;
  readonly settings: RunSettings;
  readonly provider: ClusterProvider;
  readonly run: RunRecorder;
  /** Cluster names of this run (one, or one per pool). */
  readonly clusterName: (pool?: string) => string;
  images?: ImageSet;
  facts?: ClusterFacts;
  plan?: Plan;
  clusters?: Cluster[];
  deployed?: DeployedWorkload[];
  kernelBefore?: KernelSnapshot;
  /** kind: this machine's kernel, kept before the first cluster; `end` puts it back once no cluster is left (once per run). */
  host?: { begin: HostBegin; end(): Promise<HostEnd> };
}

/** A phase that runs from a list: it says whether the scenario has work for it, and does it. */
export interface Phase {
  /** The name recorded in the raw results and shown in the report (it may depend on the provider). */
  name(state: RunState): string;
  applies(state: RunState): boolean;
  run(state: RunState): Promise<void>;
}

/** What an earlier phase must have produced; a missing one is a bug in the phase list's order. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is not known yet (phase order)`);
  return value;
}

export function clusterOf(state: RunState, name: string): Cluster {
  const cluster = need(state.clusters, 'the clusters').find((candidate) => candidate.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster;
}

/**
 * Admitted deployments of a workload (its variants on their pools), in plan order, on the version
 * measured (the first the scenario lists): the other versions' are observed for admission only.
 */
export function admittedOf(state: RunState, workload?: string): PlannedDeployment[] {
  const measured = need(state.plan, 'the plan').kubernetesVersion;
  return need(state.deployed, 'the deployed workloads')
    .filter((entry) => entry.admitted && entry.deployment.kubernetesVersion === measured && (workload === undefined || entry.deployment.workload === workload))
    .map((entry) => entry.deployment);
}

/** The clusters of the version measured, probed and replayed on (every cluster, unless the run has several versions). */
export function measuredClusters(state: RunState): Cluster[] {
  const plan = need(state.plan, 'the plan');
  const names = new Set(plan.clusters.filter((cluster) => cluster.kubernetesVersion === plan.kubernetesVersion).map((cluster) => cluster.name));
  return need(state.clusters, 'the clusters').filter((cluster) => names.has(cluster.name));
}

/** Every sysctl the scenario names: watched on the kernel before and after the run. */
export function scenarioSysctls(scenario: Scenario): string[] {
  const names = new Set<string>();
  for (const workload of scenario.spec.workloads) for (const variant of workload.variants) for (const name of Object.keys(variant.sysctls ?? {})) names.add(name);
  for (const entry of scenario.spec.isolation ?? []) if (entry.sysctl) names.add(entry.sysctl);
  return [...names];
}

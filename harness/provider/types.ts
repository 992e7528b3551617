import type { HostKernelDeps } from '../host/guard.js';
import type { ExecResult } from '../kube/client.js';
import type { LoadJob, LoadJobPod } from '../load/job.js';
import type { Plan } from '../plan/plan.js';
import type { LoadSpec } from '../load/args.js';
import type { LoadMeasurement } from '../load/summary.js';
import type { Snapshot } from '../probes/host-snapshot.js';
import type { Scenario } from '../scenario/schema.js';
import type { RunResult } from '../toolchain/exec.js';
import type { Observation } from '../workloads/classify.js';
import type { ApplyOutcome } from '../workloads/deploy.js';
import type { RunningPod } from '../workloads/observe.js';
import type { ProbePodOptions } from '../workloads/probe-pod.js';
import type { WorkloadDeployment } from '../workloads/spec.js';
import type { BuiltInAppName } from '../workloads/apps/index.js';

/**
 * The seams between the run and the machinery under it, in the manner of kind's own providers:
 * a provider brings clusters up (or connects to them), and every node carries its own way in, so
 * that no phase, probe or check names docker or kind.
 */

/** What a provider may use of the run: its identity, where to log, and how to undo what it did. */
export interface ProviderRun {
  readonly runId: string;
  /** A short, readable id unique to the run: names of clusters and namespaces end with it. */
  readonly shortId: string;
  readonly runDir: string;
  /** Fires on Ctrl-C: everything the provider spawns or waits on must stop. */
  readonly signal: AbortSignal;
  say(line: string): void;
  logFile(name: string): string;
  /**
   * Registers an undo step; steps run in reverse order after the running phase has stopped.
   * A step that removes a cluster says so (`cluster`): with --retain it is skipped when the run failed.
   */
  onCleanup(title: string, action: () => Promise<void>, options?: { cluster?: string }): void;
}

/** A way into one node: read and write its /proc/sys, see its kubelet, run a program on it. */
export interface NodeAccess {
  readonly name: string;
  /** How the node is reached, for the report: "docker exec" or "privileged pod <name>". */
  readonly via: string;
  /** A sysctl as the node's own root namespaces see it. */
  readSysctl(name: string): Promise<string>;
  /** Writes a sysctl in the node's root namespaces (only where the provider allows node writes). */
  writeSysctl(name: string, value: string): Promise<void>;
  /** The kubelet's command line from the node's process list, when it runs. */
  kubeletCommandLine(): Promise<string | undefined>;
  /** Runs a program on the node; never through a shell built from input. */
  exec(command: readonly string[], options?: { allowFailure?: boolean }): Promise<RunResult>;
}

export interface ClusterNode {
  name: string;
  role: 'control-plane' | 'worker';
  /** The scenario pool the node belongs to (by its labels); undefined for nodes no pool selects. */
  pool: string | undefined;
}

/**
 * The run's objects in one cluster, as the phases use them: every call is bound to the run's
 * signal. Implemented over the Kubernetes API (harness/workloads/kube-objects.ts) and, in unit
 * tests, by a fake.
 */
export interface ClusterObjects {
  /** Creates a workload (and its service); a refusal by the API server is an outcome, not an error. */
  apply(deployment: WorkloadDeployment): Promise<ApplyOutcome>;
  /** Deletes a workload; with untilGone, returns once the object and its pods are gone (the same name is applied again). */
  remove(deployment: WorkloadDeployment, options?: { untilGone?: boolean }): Promise<void>;
  /** Waits for the admission outcome of a workload's pods. */
  observe(deployment: WorkloadDeployment, timeoutMs: number): Promise<Observation>;
  runningPods(deployment: Pick<WorkloadDeployment, 'name'>): Promise<RunningPod[]>;
  /** Runs a program in a pod's container (default "app"). */
  exec(pod: string, command: readonly string[], options?: { container?: string; timeoutMs?: number }): Promise<ExecResult>;
  startProbePod(options: ProbePodOptions): Promise<string>;
  stopProbePod(name: string): Promise<void>;
  /** Where load reaches a workload: through a node's address (from beside the cluster) or its service's cluster IP (from a pod). */
  serviceAddress(deployment: WorkloadDeployment, via: 'node-port' | 'cluster-ip'): Promise<string>;
  /** Runs an Indexed Job to completion and returns each pod's output; removes it afterwards. */
  runLoadJob(job: LoadJob): Promise<LoadJobPod[]>;
  nodeReady(node: string): Promise<boolean>;
}

/** One cluster of a run, connected: the run's namespace in it, its objects, its nodes. */
export interface Cluster {
  readonly name: string;
  readonly objects: ClusterObjects;
  /** The one namespace every object of the run lives in. */
  readonly namespace: string;
  readonly nodes: readonly ClusterNode[];
  /** A way into a node, opened on first use. */
  node(name: string): Promise<NodeAccess>;
}

export interface ProviderCapabilities {
  /** Proofs may change a node's own values (and put them back): sysctl-bench made the nodes. */
  readonly nodeWrites: boolean;
  /** The kubelet may be reconfigured and restarted (the runbook and illegal-allowlist procedures). */
  readonly kubeletRestart: boolean;
  /** Load may come from a container beside the cluster, on the nodes' own network. */
  readonly containerLoad: boolean;
  /** The nodes run on this machine's kernel: its /proc/sys is theirs for node-level sysctls. */
  readonly sharesHostKernel: boolean;
}

/** Where an allowlist a prediction uses came from. */
export type AllowlistSource =
  /** sysctl-bench configures the kubelet from the scenario (kind). */
  | 'scenario'
  /** read from the live kubelet (/api/v1/nodes/<node>/proxy/configz). */
  | 'configz'
  /** the scenario's declaration, because the kubelet could not be read: declared, not observed. */
  | 'declared';

export interface NodeFacts {
  name: string;
  pool: string;
  allowedUnsafeSysctls: string[];
  source: AllowlistSource;
  /** Why the kubelet could not be read (with `declared`). */
  unreadable?: string;
  kernel?: string;
  kubeletVersion?: string;
  containerRuntime?: string;
  osImage?: string;
  labels?: Record<string, string>;
  /** The kubelet's configuration as its /configz served it (when read). */
  kubeletConfig?: Record<string, unknown>;
}

/** A pool as its kubelets really are (or, on kind, will be). */
export interface PoolFacts {
  pool: string;
  /** The labels that select its nodes. */
  nodeSelector: Record<string, string>;
  /** The allowlist admission is predicted from. */
  allowedUnsafeSysctls: string[];
  source: AllowlistSource;
  nodes: NodeFacts[];
  /** Disagreements found (with the scenario, between nodes): reported, never corrected silently. */
  findings: string[];
  /** When the nodes disagree: the nodes whose allowlist the prediction uses; workloads are pinned to them. */
  pinnedNodes?: string[];
}

export interface ClusterFacts {
  /** "X.Y": the version admission is predicted for (and measured on). */
  kubernetesVersion: string;
  /** The full version as the API server reports it, or the node image's. */
  kubernetesPatch: string;
  /**
   * Every version the provider brings up, the first being the one above: present when a scenario
   * lists several and the provider makes a cluster per version (kind). Absent: that one only.
   */
  kubernetesVersions?: ReadonlyArray<{ kubernetesVersion: string; kubernetesPatch: string }>;
  versionSource: 'node-image' | 'api-server';
  pools: PoolFacts[];
  /** Names the nodes' kernel has, when the provider can know them (kind: this machine's). */
  kernelSysctls: ReadonlySet<string> | undefined;
  findings: string[];
}

/** The images a run uses, as the nodes find them, and whether they may pull them: one per built-in app, and the load generator's. */
export type ImageSet = Record<BuiltInAppName, string> & {
  loadgen: string;
  pullPolicy: 'Never' | 'IfNotPresent';
  /** The scenario's own images (workloads[].image), by the reference it gives: loaded into the nodes (kind) or pulled. */
  own?: readonly string[];
};

/** Kernel values that must read the same after the run as before, per place ("host", "node <name>"). */
export type KernelSnapshot = Record<string, Snapshot>;

export interface ProviderEnvironment {
  provider: 'kind' | 'existing';
  /** kind's version, or the API server's address for an existing cluster. */
  detail: string;
  nodeImage?: string;
  /** Several Kubernetes versions: each minor's node image ("1.36" -> reference). */
  nodeImages?: Record<string, string>;
  /** What runs the node containers on this machine (kind), e.g. "Docker 28.3.1". */
  containerRuntime?: string;
}

export interface ClusterProvider {
  readonly name: 'kind' | 'existing';
  readonly capabilities: ProviderCapabilities;
  /** The names of its phases: what bringing the clusters up and releasing them is called. */
  readonly phaseNames: { readonly up: string; readonly down: string };
  /** True when the nodes get the images from this machine (loadImages does work), false when they pull. */
  readonly loadsImages: boolean;
  /** Makes what the provider needs on this machine (kind: Docker, kind, the node image). */
  prepare(run: ProviderRun): Promise<void>;
  /** The images the workloads and the load generator run. */
  images(run: ProviderRun): Promise<ImageSet>;
  /** Removes what runs killed earlier left (their clusters, containers, namespaces); returns what. */
  removeLeftovers(run: ProviderRun): Promise<string[]>;
  /** The pools as their kubelets have (kind: will have) them, and the version to predict for. */
  observe(scenario: Scenario, run: ProviderRun): Promise<ClusterFacts>;
  /** Creates or connects to the plan's clusters; registers what undoes it with run.onCleanup. */
  up(plan: Plan, run: ProviderRun): Promise<Cluster[]>;
  /** Puts the images into the nodes when the provider must (kind); a provider whose nodes pull does nothing. */
  loadImages(clusters: readonly Cluster[], images: ImageSet, run: ProviderRun): Promise<void>;
  /** The nodes' kernel values host-proc-unchanged compares (kernelWitness `nodes`). */
  kernelSnapshot?(names: readonly string[], clusters: readonly Cluster[]): Promise<KernelSnapshot>;
  /**
   * When the kernel is read: `host`, this machine's whole /proc/sys before any cluster exists and
   * after the last is gone (hostKernel), or `nodes`, each node's watched values once connected.
   */
  readonly kernelWitness: 'host' | 'nodes';
  /** This machine's kernel, shared by the nodes: where it is read and which clusters the restoration waits for. */
  hostKernel?(): HostKernelDeps;
  /** Copies the clusters' logs into `dir` after a failure (kind: `kind export logs`; existing: the run's pods and events); returns what was written. */
  exportLogs?(clusters: readonly Cluster[], dir: string, run: ProviderRun): Promise<string[]>;
  environment(): Promise<ProviderEnvironment>;
  /** A load generator beside the cluster, on its nodes' network (capabilities.containerLoad). */
  containerLoad?(run: ProviderRun): LoadRunner;
}

/** One load measurement of one arm: the workload it targets and the client's own settings. */
export interface LoadRequest {
  cluster: Cluster;
  deployment: WorkloadDeployment;
  /** The load, once the runner knows the address it sends to. */
  spec: (target: string) => LoadSpec;
  clientSysctls: Record<string, string>;
  workload: string;
  variant: string;
  /** Pods of an Indexed Job (cluster runners), and the labels of the nodes they run on. */
  pods: number;
  nodeSelector?: Record<string, string>;
  image: string;
  imagePullPolicy: ImageSet['pullPolicy'];
}

export interface LoadOutcome extends LoadMeasurement {
  /** Each generator's own view: which pod, where, and whether it was the bottleneck. */
  generators: Array<{ name: string; node?: string; saturated: boolean; reasons: string[]; cpuPercent: number }>;
}

/** Runs load measurements: from a container beside the cluster, or from pods inside it. */
export interface LoadRunner {
  readonly where: 'container' | 'cluster';
  run(request: LoadRequest): Promise<LoadOutcome>;
  /** Removes anything of the runner still there (after a failure or Ctrl-C). */
  cleanup(): Promise<void>;
}

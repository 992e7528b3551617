import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { processIsHolder, type HostKernelDeps } from '../../../harness/host/guard.js';
import type { ExecResult } from '../../../harness/kube/client.js';
import type { LoadJob, LoadJobPod } from '../../../harness/load/job.js';
import { HISTOGRAM_LAYOUT, histogramJson, histogramOf } from '../../../harness/load/histogram.js';
import { parseLoadSummary, type LoadSummary } from '../../../harness/load/summary.js';
import { measureFromGenerators } from '../../../harness/measure/merge.js';
import { outcomeOf, poolSelector, type Plan } from '../../../harness/plan/plan.js';
import { namespacedBy, parseMinorVersion, predictAdmission, toDotSeparated } from '../../../harness/policy/index.js';
import { procPath } from '../../../harness/probes/sysctl-path.js';
import { FIND_AND_READ_SCRIPT } from '../../../harness/counters/read.js';
import type {
  Cluster, ClusterFacts, ClusterObjects, ClusterProvider, ImageSet, KernelSnapshot, LoadOutcome, LoadRequest, LoadRunner, NodeAccess,
  ProviderCapabilities, ProviderEnvironment, ProviderRun,
} from '../../../harness/provider/types.js';
import { abortReason, sleep } from '../../../harness/run/abort.js';
import type { Scenario } from '../../../harness/scenario/schema.js';
import type { RunResult } from '../../../harness/toolchain/exec.js';
import type { Observation } from '../../../harness/workloads/classify.js';
import type { ApplyOutcome } from '../../../harness/workloads/deploy.js';
import type { RunningPod } from '../../../harness/workloads/observe.js';
import type { ProbePodOptions } from '../../../harness/workloads/probe-pod.js';
import type { WorkloadDeployment } from '../../../harness/workloads/spec.js';

/**
 * A cluster provider for unit tests: no Docker, no API server. Its kernel is a model of what the
 * proofs look at: node-level sysctls are one value per kernel (the machine's on the kind flavour,
 * each node's own on the existing flavour), namespaced ones one value per network/IPC namespace
 * (the node's, each pod's). Its kubelets decide admission from their own allowlists, which a test
 * may set apart from the scenario's. Every call is written to `events`, so tests can assert order.
 */

const version = parseMinorVersion('1.34')!;
const isNamespaced = (name: string) => namespacedBy(toDotSeparated(name), version) !== undefined;

const defaults: Record<string, string> = {
  'net.core.somaxconn': '4096', 'net.ipv4.tcp_max_syn_backlog': '1024', 'vm.swappiness': '60', 'fs.file-max': '9223372036854775807',
  'kernel.msgmax': '8192', 'kernel.sem': '32000 1024000000 500 32000', 'net.ipv4.ip_local_port_range': '32768 60999',
};

class Kernel {
  /** Node-level values, one per kernel. */
  readonly global = new Map<string, string>(Object.entries(defaults).filter(([name]) => !isNamespaced(name)));
  /** Namespaced values per namespace id ("node:<name>", "pod:<name>"). */
  readonly namespaces = new Map<string, Map<string, string>>();

  read(namespace: string, name: string): string {
    const dotted = toDotSeparated(name);
    if (!isNamespaced(dotted)) return this.global.get(dotted) ?? '0';
    return this.namespaces.get(namespace)?.get(dotted) ?? defaults[dotted] ?? '0';
  }

  write(namespace: string, name: string, value: string): void {
    const dotted = toDotSeparated(name);
    if (!isNamespaced(dotted)) {
      this.global.set(dotted, value);
      return;
    }
    const values = this.namespaces.get(namespace) ?? new Map<string, string>();
    values.set(dotted, value);
    this.namespaces.set(namespace, values);
  }
}

export interface FakeOptions {
  flavour: 'kind' | 'existing';
  /** What each pool's kubelets really allow (default: the scenario's declaration). */
  actualAllowlists?: Record<string, string[]>;
  /** Called inside every load run: a test may block here until the signal fires. */
  onLoad?: (signal: AbortSignal) => Promise<void>;
  /** Makes the deploy of this workload throw (an API server that went away). */
  failDeployOf?: string;
  /** kind flavour: what the nodes' kubelets write to the machine's /proc/sys when the clusters come up (default kernel.panic=10). */
  nodeHostWrites?: Record<string, string>;
  /** The clusters stay after the run (kind --keep). */
  keepClusters?: boolean;
}

interface FakePod {
  name: string;
  node: string;
  deployment: string;
  privileged: boolean;
}

export class FakeProvider implements ClusterProvider {
  readonly name: 'kind' | 'existing';
  readonly capabilities: ProviderCapabilities;
  readonly phaseNames: { up: string; down: string };
  readonly loadsImages: boolean;
  readonly kernelWitness: 'host' | 'nodes';
  readonly events: string[] = [];
  readonly jobs: LoadJob[] = [];
  /** The machine's own kernel (kind flavour: the nodes share it). */
  readonly machineKernel = new Kernel();
  /** kind flavour: a fake /proc/sys tree and state folder for the host's baseline. */
  readonly machine = mkdtempSync(join(tmpdir(), 'sb-fake-machine-'));
  private readonly nodeKernels = new Map<string, Kernel>();
  readonly pods = new Map<string, FakePod>();
  /** Each pod's network namespace counts what loads did to it: accept-queue overflows and accepted connections. */
  readonly podCounters = new Map<string, { overflows: number; accepted: number }>();
  private readonly deployments = new Map<string, { deployment: WorkloadDeployment; outcome: Observation['outcome'] }>();
  private scenario: Scenario | undefined;
  clustersUp = 0;

  constructor(readonly options: FakeOptions) {
    this.name = options.flavour;
    const kind = options.flavour === 'kind';
    this.capabilities = { nodeWrites: kind, kubeletRestart: kind, containerLoad: kind, sharesHostKernel: kind };
    this.phaseNames = kind ? { up: 'cluster-create', down: 'cluster-delete' } : { up: 'cluster-connect', down: 'namespace-delete' };
    this.loadsImages = kind;
    this.kernelWitness = kind ? 'host' : 'nodes';
    for (const [path, value] of Object.entries({ 'kernel/panic': '1', 'vm/overcommit_memory': '0', 'fs/file-nr': '405\t0\t2466116', 'net/core/somaxconn': '4096' })) this.setMachine(path, value);
    if (kind) {
      this.hostKernel = () => ({
        procRoot: join(this.machine, 'proc-sys'), stateDir: join(this.machine, 'state'), clusters: async () => (this.clustersUp > 0 ? ['fake'] : []), alive: processIsHolder,
      });
    }
  }

  readonly hostKernel?: () => HostKernelDeps;

  setMachine(path: string, value: string): void {
    mkdirSync(dirname(join(this.machine, 'proc-sys', path)), { recursive: true });
    writeFileSync(join(this.machine, 'proc-sys', path), `${value}\n`);
  }


  private kernelOf(node: string): Kernel {
    if (this.options.flavour === 'kind') return this.machineKernel;
    let kernel = this.nodeKernels.get(node);
    if (!kernel) {
      kernel = new Kernel();
      this.nodeKernels.set(node, kernel);
    }
    return kernel;
  }

  private allowlistOf(pool: string): string[] {
    return this.options.actualAllowlists?.[pool] ?? this.scenario?.spec.pools.find((candidate) => candidate.name === pool)?.allowedUnsafeSysctls ?? [];
  }

  nodeOfPool(pool: string): string {
    return `fake-${pool}`;
  }

  async prepare(): Promise<void> {
    this.events.push('prepare');
  }

  async images(): Promise<ImageSet> {
    return { 'net-server': 'fake/net-server:1', 'ipc-bench': 'fake/ipc-bench:1', gateway: 'fake/gateway:1', loadgen: 'fake/loadgen:1', pullPolicy: this.options.flavour === 'kind' ? 'Never' : 'IfNotPresent' };
  }

  async removeLeftovers(): Promise<string[]> {
    this.events.push('leftovers');
    return [];
  }

  async observe(scenario: Scenario): Promise<ClusterFacts> {
    this.scenario = scenario;
    const observed = this.options.flavour === 'existing';
    return {
      kubernetesVersion: scenario.spec.kubernetesVersion,
      kubernetesPatch: `${scenario.spec.kubernetesVersion}.0`,
      // Like kind, the kind flavour brings every version the scenario lists up, a cluster each.
      ...(!observed && scenario.spec.kubernetesVersions.length > 1
        ? { kubernetesVersions: scenario.spec.kubernetesVersions.map((version) => ({ kubernetesVersion: version, kubernetesPatch: `${version}.0` })) }
        : {}),
      versionSource: observed ? 'api-server' : 'node-image',
      kernelSysctls: undefined,
      findings: [],
      pools: scenario.spec.pools.map((pool) => ({
        pool: pool.name,
        nodeSelector: poolSelector(pool),
        allowedUnsafeSysctls: observed ? this.allowlistOf(pool.name) : [...pool.allowedUnsafeSysctls],
        source: observed ? 'configz' as const : 'scenario' as const,
        nodes: observed ? [{ name: this.nodeOfPool(pool.name), pool: pool.name, allowedUnsafeSysctls: this.allowlistOf(pool.name), source: 'configz' as const }] : [],
        findings: [],
      })),
    };
  }

  async up(plan: Plan, run: ProviderRun): Promise<Cluster[]> {
    this.events.push('up');
    this.clustersUp += plan.clusters.length;
    if (this.options.flavour === 'kind') {
      for (const [name, value] of Object.entries(this.options.nodeHostWrites ?? { 'kernel.panic': '10' })) this.setMachine(name.replaceAll('.', '/'), value);
    }
    if (!this.options.keepClusters) {
      run.onCleanup('fake clusters', async () => {
        this.events.push('cleanup');
        this.clustersUp = 0;
        this.pods.clear();
      }, { cluster: 'fake' });
    }
    return plan.clusters.map((planned) => {
      const nodes = planned.pools.map((pool) => ({ name: this.nodeOfPool(pool.name), role: 'worker' as const, pool: pool.name }));
      return { name: planned.name, namespace: `sysctl-bench-${run.shortId}`, nodes, objects: this.objects(run.signal, planned.name, planned.kubernetesVersion), node: async (name: string) => this.nodeAccess(name) };
    });
  }

  async loadImages(): Promise<void> {
    this.events.push('load-images');
  }

  async exportLogs(clusters: readonly Cluster[], dir: string): Promise<string[]> {
    this.events.push('export-logs');
    mkdirSync(dir, { recursive: true });
    return clusters.map((cluster) => {
      writeFileSync(join(dir, `${cluster.name}.log`), 'fake node logs\n');
      return join(dir, `${cluster.name}.log`);
    });
  }

  async kernelSnapshot(names: readonly string[], clusters: readonly Cluster[]): Promise<KernelSnapshot> {
    const snapshot: KernelSnapshot = {};
    for (const node of clusters.flatMap((cluster) => cluster.nodes)) {
      snapshot[`node ${node.name}`] = Object.fromEntries(names.map((name) => [name, this.kernelOf(node.name).read(`node:${node.name}`, name)]));
    }
    return snapshot;
  }

  async environment(): Promise<ProviderEnvironment> {
    return { provider: this.options.flavour, detail: 'fake' };
  }

  containerLoad(run: ProviderRun): LoadRunner {
    return {
      where: 'container',
      run: async (request) => this.load(request, 1, run.signal),
      cleanup: async () => { this.events.push('load-cleanup'); },
    };
  }

  nodeAccess(name: string): NodeAccess {
    const kernel = this.kernelOf(name);
    const exec = async (command: readonly string[]): Promise<RunResult> => {
      if (command[0] === 'sh' && command[2] === FIND_AND_READ_SCRIPT) return this.podNamespaceFiles(name, command[4] ?? '');
      return { exitCode: 0, stdout: command.join(' '), stderr: '' };
    };
    return {
      name,
      via: 'fake',
      readSysctl: async (sysctl) => kernel.read(`node:${name}`, sysctl),
      writeSysctl: async (sysctl, value) => {
        if (!this.capabilities.nodeWrites) throw new Error('node writes are not allowed');
        kernel.write(`node:${name}`, sysctl, value);
      },
      kubeletCommandLine: async () => `/usr/bin/kubelet --allowed-unsafe-sysctls=${name}`,
      exec,
    };
  }

  /** What the node shows of a pod's network namespace, found by its container id (as the real script prints it). */
  private podNamespaceFiles(node: string, containerId: string): RunResult {
    const pod = [...this.pods.values()].find((candidate) => fakeContainerId(candidate.name) === containerId && candidate.node === node);
    if (!pod) return { exitCode: 3, stdout: '', stderr: `no process of container ${containerId} on this node` };
    const counters = this.podCounters.get(pod.name) ?? { overflows: 0, accepted: 0 };
    return {
      exitCode: 0,
      stdout: [`pid ${100 + [...this.pods.keys()].indexOf(pod.name)}`, '@@ net/netstat', 'TcpExt: ListenOverflows ListenDrops', `TcpExt: ${counters.overflows} ${counters.overflows}`,
        '@@ net/snmp', 'Tcp: PassiveOpens', `Tcp: ${counters.accepted}`].join('\n'),
      stderr: '',
    };
  }

  /** A burst against a short accept queue overflows it; against a long one, every connection is accepted. */
  private countLoad(deployment: string, backlog: number): void {
    for (const pod of this.pods.values()) {
      if (pod.deployment.split('/').at(-1) !== deployment) continue;
      const counters = this.podCounters.get(pod.name) ?? { overflows: 0, accepted: 0 };
      this.podCounters.set(pod.name, { overflows: counters.overflows + (backlog >= 1024 ? 0 : 422), accepted: counters.accepted + (backlog >= 1024 ? 1500 : 1078) });
    }
  }

  /** A fake load: a burst whose connect times fall with a longer backlog (the tuned variant's somaxconn). */
  private async load(request: LoadRequest, pods: number, signal: AbortSignal): Promise<LoadOutcome> {
    this.events.push(`load ${request.workload}/${request.variant}`);
    await this.options.onLoad?.(signal);
    const backlog = Number(request.deployment.sysctls['net.core.somaxconn'] ?? defaults['net.core.somaxconn']);
    this.countLoad(request.deployment.name, backlog);
    const parts = Array.from({ length: pods }, (_, index) => ({
      name: `gen ${index}`, summary: fakeSummary({ ...connectTimes(backlog), shard: { index, count: pods } }),
    }));
    return measureFromGenerators(parts);
  }

  /** The objects of one cluster, whose kubelets decide as its Kubernetes version does. */
  private objects(signal: AbortSignal, cluster: string, kubernetesVersion: string): ClusterObjects {
    const kernelFor = (pod: FakePod) => this.kernelOf(pod.node);
    // Each cluster has its own objects: the same deployment name on two clusters is two deployments.
    const key = (deployment: Pick<WorkloadDeployment, 'name'>) => `${cluster}/${deployment.name}`;
    return {
      apply: async (deployment): Promise<ApplyOutcome> => {
        if (deployment.workload === this.options.failDeployOf) throw new Error(`the API server went away while creating ${deployment.name}`);
        this.events.push(`apply ${deployment.name} (${kubernetesVersion})`);
        const prediction = predictAdmission(
          Object.entries(deployment.sysctls).map(([name, value]) => ({ name, value })),
          { allowedUnsafeSysctls: this.allowlistOf(deployment.pool), kubernetesVersion },
          { hostNetwork: deployment.hostNetwork, hostIPC: deployment.hostIPC },
        );
        const outcome = outcomeOf(prediction);
        if (outcome === 'invalid') return { accepted: false, code: 422, message: prediction.message ?? 'invalid' };
        this.deployments.set(key(deployment), { deployment, outcome });
        if (outcome === 'admitted') {
          const node = deployment.pinnedNodes?.[0] ?? this.nodeOfPool(deployment.pool);
          for (let index = 0; index < deployment.replicas; index += 1) {
            const pod = { name: `${cluster}-${deployment.name}-${index}`, node, deployment: key(deployment), privileged: false };
            this.pods.set(pod.name, pod);
            for (const [name, value] of Object.entries(deployment.sysctls)) kernelFor(pod).write(`pod:${pod.name}`, name, value);
          }
        }
        return { accepted: true };
      },
      remove: async (deployment) => {
        this.deployments.delete(key(deployment));
        for (const pod of [...this.pods.values()]) if (pod.deployment === key(deployment)) this.pods.delete(pod.name);
      },
      observe: async (deployment): Promise<Observation> => {
        const outcome = this.deployments.get(key(deployment))?.outcome ?? 'pending';
        return {
          outcome, reason: outcome === 'forbidden' ? 'SysctlForbidden' : undefined, message: undefined, podPhase: outcome === 'admitted' ? 'Running' : 'Failed',
          pods: [...this.pods.values()].filter((pod) => pod.deployment === key(deployment)).map((pod) => pod.name), events: [],
        };
      },
      runningPods: async (deployment): Promise<RunningPod[]> => [...this.pods.values()]
        .filter((pod) => pod.deployment === key(deployment)).map((pod) => ({ pod: pod.name, node: pod.node, ip: '10.0.0.1', containerId: `containerd://${fakeContainerId(pod.name)}` })),
      exec: async (podName, command): Promise<ExecResult> => {
        if (signal.aborted) throw abortReason(signal);
        const pod = this.pods.get(podName);
        if (!pod) return { ok: false, stdout: '', stderr: '', message: `no pod ${podName}` };
        const kernel = kernelFor(pod);
        const fromPath = (path: string) => path.replace(/^\/proc\/sys\//, '').replaceAll('/', '.');
        if (command[0] === 'cat') return { ok: true, stdout: `${kernel.read(`pod:${pod.name}`, fromPath(command[1] ?? ''))}\n`, stderr: '', message: undefined };
        if (command[0] === 'sh' && command[1] === '-c') {
          const [value, path] = [command[4] ?? '', command[5] ?? ''];
          // /proc/sys is read-only in an ordinary container; a privileged one writes its own namespace.
          if (!pod.privileged || !isNamespaced(fromPath(path))) return { ok: false, stdout: '', stderr: `sh: can't create ${path}: Read-only file system`, message: 'exit 1' };
          kernel.write(`pod:${pod.name}`, fromPath(path), value);
          return { ok: true, stdout: '', stderr: '', message: undefined };
        }
        return { ok: false, stdout: '', stderr: `fake: ${command.join(' ')}`, message: 'unknown command' };
      },
      startProbePod: async (options: ProbePodOptions) => {
        const name = `probe-${options.node}`;
        this.pods.set(name, { name, node: options.node, deployment: '', privileged: options.privileged });
        this.events.push(`probe-pod ${name}`);
        return name;
      },
      stopProbePod: async (name) => {
        this.pods.delete(name);
      },
      serviceAddress: async (deployment, via) => `http://${via}.${deployment.name}:8080/`,
      runLoadJob: async (job: LoadJob): Promise<LoadJobPod[]> => {
        this.jobs.push(job);
        this.events.push(`job ${job.name} x${job.pods}`);
        await this.options.onLoad?.(signal);
        const backlog = job.labels['sysctl-bench/variant'] === 'tuned' ? 4096 : 128;
        const target = [...this.deployments.values()].find((entry) => entry.deployment.variant === job.labels['sysctl-bench/variant']);
        if (target) this.countLoad(target.deployment.name, backlog);
        const startAtMs = Number(job.args[job.args.indexOf('--start-at') + 1]);
        return Array.from({ length: job.pods }, (_, index) => ({
          index, pod: `${job.name}-${index}`, node: `fake-node-${index}`, exitCode: 0, startedAt: new Date().toISOString(),
          stdout: fakeSummaryJson({ ...connectTimes(backlog), shard: { index, count: job.pods, startAtMs } }),
        }));
      },
      nodeReady: async () => true,
    };
  }
}

export interface FakeLoad {
  /** Connect times in ms of the connections that succeeded. */
  connects: number[];
  errors: number;
  shard?: { index: number; count: number; startAtMs?: number };
  saturated?: boolean;
}

/** A loadgen summary as loadgen prints it (version 2: histograms in µs), for these connect times. */
export function fakeSummaryJson(load: FakeLoad): string {
  const sorted = [...load.connects].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const dist = { count: sorted.length, mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), p50: pick(0.5), p90: pick(0.9), p95: pick(0.95), p99: pick(0.99), max: sorted.at(-1) ?? 0 };
  const histogram = histogramJson(histogramOf(sorted.map((ms) => Math.round(ms * 1000))));
  const empty = histogramJson(histogramOf([]));
  const shard = load.shard ?? { index: 0, count: 1 };
  const requests = sorted.length + load.errors;
  return JSON.stringify({
    version: 2,
    config: {
      mode: 'burst', target: 'http://fake/', connections: requests, connect_timeout_s: 3, timeout_s: 8, max_duration_s: 120, max_requests: 100000, max_concurrency: 5000, samples: 2000,
      shard_index: shard.index, shard_count: shard.count, ...(shard.startAtMs ? { start_at_unix_ms: shard.startAtMs } : {}),
    },
    shard: { index: shard.index, count: shard.count, ...(shard.startAtMs ? { start_at_unix_ms: shard.startAtMs } : {}), start_late_ms: 0 },
    open_model: false,
    started_at: new Date(0).toISOString(), started_at_unix_ms: 0, duration_s: 1, planned: requests,
    requests, completed: sorted.length, connected: sorted.length, reconnects: 0, errors: load.errors,
    errors_by_class: { refused: 0, timeout: load.errors, reset: 0, http: 0, ports: 0, other: 0 },
    errors_by_phase: { connect: load.errors, response: 0 }, dropped: 0,
    connect_ms: dist, total_ms: dist, waiting_ms: dist, receiving_ms: dist, latency_ms: { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 },
    histograms: { layout: HISTOGRAM_LAYOUT, connect_us: histogram, total_us: histogram, waiting_us: histogram, receiving_us: histogram, latency_us: empty },
    rps: sorted.length,
    series: [{ t: 0, completed: sorted.length, errors: load.errors, p99_total_ms: dist.p99, total_us: histogram }],
    samples: { connect_ms: sorted },
    cpu: { user_s: 0.1, sys_s: 0.1, wall_s: 1, cores_used: 0.2, gomaxprocs: 2, utilization: 0.1 },
    schedule_lag_max_ms: 0, stopped_by: 'done', saturated: load.saturated ?? false, saturation_reasons: load.saturated ? ['cpu 98%'] : [], watchdog_fired: false,
  });
}

export function fakeSummary(load: FakeLoad): LoadSummary {
  return parseLoadSummary(fakeSummaryJson(load));
}

/** A short accept queue drops SYNs: the clients retry after 1 s and 3 s, and some give up. */
function connectTimes(backlog: number): Pick<FakeLoad, 'connects' | 'errors'> {
  return backlog >= 1024 ? { connects: [5, 6, 7, 8], errors: 0 } : { connects: [1000, 1010, 3000, 3010], errors: 2 };
}

/** A container id as a runtime would give it, the same for the same pod. */
export function fakeContainerId(pod: string): string {
  return Buffer.from(pod).toString('hex').padEnd(24, '0').slice(0, 64);
}

/** Waits until the signal fires, then rejects with its reason: a load that only Ctrl-C ends. */
export async function untilAborted(signal: AbortSignal): Promise<void> {
  await sleep(3_600_000, signal);
}

export { procPath };

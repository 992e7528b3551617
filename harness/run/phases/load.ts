import { kernelMeasurement, WorkloadCounters, type KernelMeasurement, type Reading } from '../../counters/measurement.js';
import { ipcMetrics } from '../../load/ipc.js';
import { runIpcInPod } from '../../measure/ipc.js';
import { JobLoadRunner } from '../../measure/job-runner.js';
import { interleave, loadSpec, type IpcEntry, type LoadEntry } from '../../measure/schedule.js';
import type { PlannedDeployment } from '../../plan/plan.js';
import { poolSelector } from '../../plan/plan.js';
import { EnvironmentError } from '../../errors.js';
import type { LoadRunner } from '../../provider/types.js';
import { workloadApp } from '../../workloads/apps/index.js';
import { admittedOf, clusterOf, need, type Phase, type RunState } from '../state.js';

/** Load (HTTP) and ipc measurements: A/B interleaved repetitions of every admitted variant, each recorded as it ends. */
export const loadPhase: Phase = {
  name: () => 'load',
  applies: (state) => (state.scenario.spec.load?.length ?? 0) + (state.scenario.spec.ipc?.length ?? 0) > 0,
  async run(state) {
    const runners = new Map<'container' | 'cluster', LoadRunner>();
    const runnerFor = (entry: LoadEntry): LoadRunner => {
      const where = generatorPlacement(state, entry);
      let runner = runners.get(where);
      if (!runner) {
        runner = where === 'cluster' ? new JobLoadRunner() : containerRunner(state);
        const created = runner;
        state.run.onCleanup(`load generators (${where}) of run ${state.run.runId}`, () => created.cleanup());
        runners.set(where, runner);
      }
      return runner;
    };
    for (const entry of state.scenario.spec.load ?? []) {
      const variants = admittedOf(state, entry.workload);
      if (variants.length === 0) throw new Error(`load: no admitted variant of workload ${entry.workload} to measure`);
      await measureLoad(state, runnerFor(entry), entry, variants);
    }
    for (const entry of state.scenario.spec.ipc ?? []) {
      const variants = admittedOf(state, entry.workload);
      if (variants.length === 0) throw new Error(`ipc: no admitted variant of workload ${entry.workload} to measure`);
      await measureIpc(state, entry, variants);
    }
  },
};

/** Where an entry's load comes from: its choice, else a container where the provider has one, else pods. */
export function generatorPlacement(state: Pick<RunState, 'provider'>, entry: LoadEntry): 'container' | 'cluster' {
  const wanted = entry.generator?.where;
  if (wanted === 'container' && !state.provider.capabilities.containerLoad) {
    throw new EnvironmentError(`load of ${entry.workload}: generator.where is container, but this cluster has no network a container beside it could join`, {
      fix: 'use generator.where: cluster (an Indexed Job of load pods), the only way on an existing cluster',
    });
  }
  return wanted ?? (state.provider.capabilities.containerLoad ? 'container' : 'cluster');
}

function containerRunner(state: RunState): LoadRunner {
  if (!state.provider.containerLoad) throw new Error('internal: the provider offers no container load');
  return state.provider.containerLoad(state.run);
}

interface LoadArm {
  deployment: PlannedDeployment;
  variant: string;
  clientSysctls: Record<string, string>;
}

function stringValues(map: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, String(value)]));
}

/**
 * Either the workload's variants are compared (server-side sysctls, one client setting), or the
 * client's variants against one server (client-side sysctls such as ip_local_port_range).
 */
export function loadArms(entry: LoadEntry, deployments: readonly PlannedDeployment[]): LoadArm[] {
  if (entry.clientVariants) {
    const server = deployments[0];
    if (!server) throw new Error(`load: workload ${entry.workload} has no admitted variant`);
    return entry.clientVariants.map((client) => ({ deployment: server, variant: client.name, clientSysctls: stringValues(client.sysctls) }));
  }
  return deployments.map((deployment) => ({ deployment, variant: deployment.variant, clientSysctls: stringValues(entry.clientSysctls ?? {}) }));
}

async function measureLoad(state: RunState, runner: LoadRunner, entry: LoadEntry, deployments: readonly PlannedDeployment[]): Promise<void> {
  const options = state.settings.measure;
  const images = need(state.images, 'the images');
  const pool = entry.generator?.pool === undefined ? undefined : state.scenario.spec.pools.find((candidate) => candidate.name === entry.generator?.pool);
  const arms = loadArms(entry, deployments);
  const pods = runner.where === 'cluster' ? entry.generator?.pods ?? 1 : 1;
  const total = options.warmup + options.repetitions;
  const counters = countersOf(state, arms.map((arm) => arm.deployment), 'network');
  for (let repetition = 0; repetition < total; repetition += 1) {
    const warmup = repetition < options.warmup;
    for (const arm of interleave(arms, repetition)) {
      const kernel = await aroundRepetition(state, counters.get(arm.deployment.name));
      const result = await runner.run({
        cluster: clusterOf(state, arm.deployment.cluster),
        deployment: arm.deployment,
        spec: (target) => loadSpec(entry, atPath(target, workloadApp(arm.deployment.app).container(arm.deployment.own).loadPath), options.scale),
        clientSysctls: arm.clientSysctls,
        workload: arm.deployment.workload,
        variant: arm.variant,
        pods,
        ...(pool ? { nodeSelector: poolSelector(pool) } : {}),
        image: images.loadgen,
        imagePullPolicy: images.pullPolicy,
      });
      const counted = await kernel.after();
      await state.run.record({
        type: 'measurement', workload: arm.deployment.workload, variant: arm.variant, repetition, warmup, kind: 'load',
        at: new Date().toISOString(), metrics: { ...result.metrics, ...counted.metrics }, samples: result.samples, series: result.series,
        generator: { ...result.generator, ...(result.generators.length > 1 ? { generators: result.generators } : {}) },
        kernel: counted.record,
      });
      const saturated = result.generators.filter((generator) => generator.saturated).map((generator) => generator.name);
      state.run.say(`  ${warmup ? 'warm-up' : `rep ${repetition - options.warmup + 1}/${options.repetitions}`} ${arm.deployment.workload}/${arm.variant}: `
        + `connect p99 ${result.metrics.connect_p99_ms.toFixed(0)} ms, errors ${result.metrics.errors}, ${result.metrics.rps.toFixed(0)} req/s`
        + `${result.generators.length > 1 ? ` from ${result.generators.length} pods` : ''}`
        + `${saturated.length > 0 ? ` (load generator saturated: ${saturated.join(', ')})` : ''}`
        + `${kernelSummary(counted)}`);
    }
  }
}

/** The service's address with the app's load path ("http://10.0.0.1:8080/" + "/api/ping"). */
export function atPath(target: string, path: string | undefined): string {
  if (!path || path === '/') return target;
  return `${target.replace(/\/$/, '')}${path}`;
}

/** One reader of kernel counters per measured deployment: it remembers where each pod's process is. */
function countersOf(state: RunState, deployments: readonly PlannedDeployment[], namespace: 'network' | 'ipc'): Map<string, WorkloadCounters> {
  return new Map(deployments.map((deployment) => [deployment.name, new WorkloadCounters(clusterOf(state, deployment.cluster), deployment, namespace)]));
}

/**
 * Reads the pods' counters now and returns what reads them again after the repetition. A reading
 * that fails loses the kernel's view of that repetition, never the measurement: the record says why.
 */
async function aroundRepetition(state: RunState, counters: WorkloadCounters | undefined): Promise<{ after(): Promise<KernelMeasurement> }> {
  const failed = (namespace: 'network' | 'ipc', error: unknown): KernelMeasurement => {
    const problem = `kernel counters not read: ${error instanceof Error ? error.message : String(error)}`;
    state.run.say(`  ${problem}`);
    return { metrics: {}, record: { namespace, pods: [], problem } };
  };
  if (!counters) throw new Error('internal: no kernel counter reader for a measured deployment');
  let before: Reading;
  try {
    before = await counters.read();
  } catch (error) {
    return { after: async () => failed(counters.namespace, error) };
  }
  return {
    async after() {
      try {
        return kernelMeasurement(before, await counters.read());
      } catch (error) {
        return failed(counters.namespace, error);
      }
    },
  };
}

/** The counters that tell the most, for the progress line: accept-queue overflows, SYN drops, retransmissions. */
function kernelSummary(kernel: KernelMeasurement): string {
  const shown = ['kernel_listen_overflows', 'kernel_syn_queue_drops', 'kernel_syn_retransmits', 'kernel_time_wait_reused']
    .filter((metric) => (kernel.metrics[metric] ?? 0) > 0)
    .map((metric) => `${metric.replace(/^kernel_/, '')} ${kernel.metrics[metric]}`);
  return shown.length > 0 ? `; kernel: ${shown.join(', ')}` : '';
}

async function measureIpc(state: RunState, entry: IpcEntry, deployments: readonly PlannedDeployment[]): Promise<void> {
  const options = state.settings.measure;
  const pods = new Map<string, string>();
  for (const deployment of deployments) {
    const pod = (await clusterOf(state, deployment.cluster).objects.runningPods(deployment))[0];
    if (!pod) throw new Error(`${deployment.name} has no running pod for ipc-bench`);
    pods.set(deployment.name, pod.pod);
  }
  const seconds = Math.max(0.5, (entry.seconds ?? 2) * options.scale);
  const total = options.warmup + options.repetitions;
  const counters = countersOf(state, deployments, 'ipc');
  for (let repetition = 0; repetition < total; repetition += 1) {
    const warmup = repetition < options.warmup;
    for (const deployment of interleave(deployments, repetition)) {
      const kernel = await aroundRepetition(state, counters.get(deployment.name));
      const report = await runIpcInPod(clusterOf(state, deployment.cluster).objects, pods.get(deployment.name) ?? '', entry.test === 'msg'
        ? { test: 'msg', sizes: entry.sizes ?? [], seconds }
        : { test: 'sem', nsops: entry.semopsPerCall ?? [], seconds });
      const counted = await kernel.after();
      const metrics = ipcMetrics(report);
      await state.run.record({
        type: 'measurement', workload: deployment.workload, variant: deployment.variant, repetition, warmup, kind: 'ipc',
        at: new Date().toISOString(), metrics: { ...metrics, ...counted.metrics }, generator: { saturated: false }, kernel: counted.record,
      });
      const errors = Object.entries(metrics).filter(([name, value]) => name.endsWith('_errors') && value > 0).map(([name, value]) => `${name}=${value}`);
      state.run.say(`  ${warmup ? 'warm-up' : `rep ${repetition - options.warmup + 1}/${options.repetitions}`} ${deployment.workload}/${deployment.variant}: ${errors.length > 0 ? errors.join(' ') : 'no errors'}`);
    }
  }
}

import type { Kube } from '../kube/client.js';
import { LoadDriver } from '../load/driver.js';
import type { LoadSpec } from '../load/args.js';
import { ipcMetrics } from '../load/ipc.js';
import { runIpcInPod } from '../measure/ipc.js';
import type { PlannedDeployment } from '../plan/plan.js';
// The scenario schema reads durations and checks loads with the same functions, so the run accepts what plan accepted.
import { loadSpecFor } from '../scenario/limits.js';
export { durationMs } from '../scenario/duration.js';
import type { Scenario } from '../scenario/schema.js';
import { namespace } from '../workloads/spec.js';
import { runningPods } from '../workloads/observe.js';
import type { RunContext } from './run-context.js';

type LoadEntry = NonNullable<Scenario['spec']['load']>[number];
type IpcEntry = NonNullable<Scenario['spec']['ipc']>[number];

export interface MeasureOptions {
  repetitions: number;
  warmup: number;
  /** Scales connections, rates and durations down (end-to-end tests run every scenario small). */
  scale: number;
}

/**
 * A/B interleaving: every repetition runs each variant once, alternating which goes first, so
 * that slow drift of the machine (another job, a warming cache) falls on both variants alike.
 */
export function interleave<T>(variants: readonly T[], repetition: number): T[] {
  return repetition % 2 === 0 ? [...variants] : [...variants].reverse();
}

export async function measureLoad(context: RunContext, kube: Kube, entry: LoadEntry, deployments: readonly PlannedDeployment[], options: MeasureOptions): Promise<void> {
  const driver = new LoadDriver({ runId: context.runId, network: 'kind' });
  context.onCleanup(`load containers of run ${context.runId}`, async () => { await driver.cleanup(); });
  // Either the workload's variants are compared (server-side sysctls, one client setting), or the
  // client's variants against one server (client-side sysctls such as ip_local_port_range).
  const arms: LoadArm[] = [];
  if (entry.clientVariants) {
    const server = deployments[0];
    if (!server) throw new Error(`load: workload ${entry.workload} has no admitted variant`);
    const target = await serviceTarget(kube, server);
    for (const client of entry.clientVariants) arms.push({ workload: server.workload, variant: client.name, target, clientSysctls: stringValues(client.sysctls) });
  } else {
    for (const deployment of deployments) {
      arms.push({ workload: deployment.workload, variant: deployment.variant, target: await serviceTarget(kube, deployment), clientSysctls: stringValues(entry.clientSysctls ?? {}) });
    }
  }
  const total = options.warmup + options.repetitions;
  for (let repetition = 0; repetition < total; repetition += 1) {
    const warmup = repetition < options.warmup;
    for (const arm of interleave(arms, repetition)) {
      const result = await driver.run(loadSpec(entry, arm.target, options.scale), {
        sysctls: arm.clientSysctls,
        labels: { 'io.sysctl-bench.workload': arm.workload, 'io.sysctl-bench.variant': arm.variant },
      });
      await context.record({
        type: 'measurement', workload: arm.workload, variant: arm.variant, repetition, warmup, kind: 'load',
        at: new Date().toISOString(), metrics: result.metrics, samples: result.samples, series: result.series, generator: result.generator,
      });
      context.say(`  ${warmup ? 'warm-up' : `rep ${repetition - options.warmup + 1}/${options.repetitions}`} ${arm.workload}/${arm.variant}: `
        + `connect p99 ${result.metrics.connect_p99_ms.toFixed(0)} ms, errors ${result.metrics.errors}, ${result.metrics.rps.toFixed(0)} req/s`
        + `${result.generator.saturated ? ' (load generator saturated)' : ''}`);
    }
  }
}

interface LoadArm {
  workload: string;
  variant: string;
  target: string;
  clientSysctls: Record<string, string>;
}

function stringValues(map: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, String(value)]));
}

/** The load the driver runs for an entry: the very function the scenario schema checks (harness/scenario/limits.ts). */
export function loadSpec(entry: LoadEntry, target: string, scale: number): LoadSpec {
  return loadSpecFor(entry, target, scale);
}

/**
 * The address the load generator uses: the NodePort of the workload's service on the node that
 * runs its pod. That node is a container on the kind network, which the harness created.
 */
async function serviceTarget(kube: Kube, deployment: PlannedDeployment): Promise<string> {
  const service = await kube.core.readNamespacedService({ name: deployment.name, namespace });
  const nodePort = service.spec?.ports?.[0]?.nodePort;
  const pod = (await runningPods(kube, deployment))[0];
  if (!nodePort || !pod) throw new Error(`${deployment.name} has no running pod or node port to send load to`);
  const node = await kube.core.readNode({ name: pod.node });
  const address = node.status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
  if (!address) throw new Error(`node ${pod.node} has no InternalIP`);
  return `http://${address}:${nodePort}/`;
}

export async function measureIpc(context: RunContext, kube: Kube, entry: IpcEntry, deployments: readonly PlannedDeployment[], options: MeasureOptions): Promise<void> {
  const pods = new Map<string, string>();
  for (const deployment of deployments) {
    const pod = (await runningPods(kube, deployment))[0];
    if (!pod) throw new Error(`${deployment.name} has no running pod for ipc-bench`);
    pods.set(deployment.variant, pod.pod);
  }
  const seconds = Math.max(0.5, (entry.seconds ?? 2) * options.scale);
  const total = options.warmup + options.repetitions;
  for (let repetition = 0; repetition < total; repetition += 1) {
    const warmup = repetition < options.warmup;
    for (const deployment of interleave(deployments, repetition)) {
      const report = await runIpcInPod(kube, pods.get(deployment.variant) ?? '', entry.test === 'msg'
        ? { test: 'msg', sizes: entry.sizes ?? [], seconds }
        : { test: 'sem', nsops: entry.semopsPerCall ?? [], seconds });
      const metrics = ipcMetrics(report);
      await context.record({
        type: 'measurement', workload: deployment.workload, variant: deployment.variant, repetition, warmup, kind: 'ipc',
        at: new Date().toISOString(), metrics, generator: { saturated: false },
      });
      const errors = Object.entries(metrics).filter(([name, value]) => name.endsWith('_errors') && value > 0).map(([name, value]) => `${name}=${value}`);
      context.say(`  ${warmup ? 'warm-up' : `rep ${repetition - options.warmup + 1}/${options.repetitions}`} ${deployment.workload}/${deployment.variant}: ${errors.length > 0 ? errors.join(' ') : 'no errors'}`);
    }
  }
}

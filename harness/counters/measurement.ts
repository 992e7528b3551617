import type { Cluster } from '../provider/types.js';
import type { KernelRecord } from '../results/raw.js';
import type { RunningPod } from '../workloads/observe.js';
import { ipcMetrics, networkMetrics, type KernelCounter } from './catalogue.js';
import { counterDeltas } from './parse.js';
import { readIpcState, readNetworkCounters, type IpcReading, type NetworkReading } from './read.js';

/**
 * The kernel counters of one workload variant's pods around a repetition: read before, read after,
 * and the difference recorded beside the client's metrics. The pods' namespaces are theirs alone
 * (baseline and tuned are separate pods), so what moved there is what the repetition did to them.
 */
export type Reading =
  | { namespace: 'network'; pods: NetworkReading[] }
  | { namespace: 'ipc'; pods: IpcReading[] };

export class WorkloadCounters {
  /** The PID that held each container last time: the next reading checks it before searching. */
  private readonly pids = new Map<string, number>();

  constructor(
    private readonly cluster: Pick<Cluster, 'objects' | 'node'>,
    private readonly deployment: { name: string; hostNetwork?: boolean | undefined },
    readonly namespace: KernelCounter['namespace'],
  ) {}

  async read(): Promise<Reading> {
    const pods = await this.cluster.objects.runningPods(this.deployment);
    if (pods.length === 0) throw new Error(`${this.deployment.name} has no running pod to read kernel counters from`);
    if (this.namespace === 'ipc') {
      return { namespace: 'ipc', pods: await Promise.all(pods.map((pod) => readIpcState(this.cluster.objects, pod))) };
    }
    return { namespace: 'network', pods: await Promise.all(pods.map((pod) => this.readNetwork(pod))) };
  }

  private async readNetwork(pod: RunningPod): Promise<NetworkReading> {
    if (!pod.containerId) throw new Error(`pod ${pod.pod} reports no container id yet`);
    const reading = await readNetworkCounters(await this.cluster.node(pod.node), { pod: pod.pod, containerId: pod.containerId }, this.pids.get(pod.containerId) ?? 0);
    this.pids.set(pod.containerId, reading.pid);
    // A pod in the node's network namespace counts the node's traffic too: say so where it is shown.
    return this.deployment.hostNetwork ? { ...reading, via: `${reading.via} (hostNetwork: the node's own namespace)` } : reading;
  }
}

export interface KernelMeasurement {
  metrics: Record<string, number>;
  record: KernelRecord;
}

/**
 * What moved between two readings, summed over the pods present in both (a load spread over
 * replicas is counted wherever it landed). Every catalogue metric is there, zero when it did not
 * move, so that baseline and tuned can always be compared.
 */
export function kernelMeasurement(before: Reading, after: Reading): KernelMeasurement {
  const sources = after.pods.map((pod) => ({ pod: pod.pod, node: pod.node, via: pod.via, ...('pid' in pod ? { pid: pod.pid } : {}) }));
  const missing = before.pods.filter((pod) => !after.pods.some((candidate) => candidate.pod === pod.pod)).map((pod) => pod.pod);
  const added = after.pods.filter((pod) => !before.pods.some((candidate) => candidate.pod === pod.pod)).map((pod) => pod.pod);
  const changes = [...missing.map((pod) => `${pod} was gone after the repetition`), ...added.map((pod) => `${pod} appeared during the repetition`)];
  if (before.namespace === 'network' && after.namespace === 'network') {
    const moved = new Map<string, number>();
    for (const pod of after.pods) {
      const earlier = before.pods.find((candidate) => candidate.pod === pod.pod);
      if (!earlier) continue;
      for (const [key, delta] of counterDeltas(earlier.counters, pod.counters)) moved.set(key, (moved.get(key) ?? 0) + delta);
    }
    const metrics = networkMetrics(moved);
    return {
      metrics,
      record: {
        namespace: 'network', pods: sources,
        // Every counter that moved, beyond the catalogue's: for whoever digs deeper into one repetition.
        moved: Object.fromEntries([...moved].filter(([, delta]) => delta !== 0).sort(([a], [b]) => a.localeCompare(b))),
        ...(changes.length > 0 ? { problem: `counted only over the pods present before and after: ${changes.join('; ')}` } : {}),
      },
    };
  }
  if (before.namespace === 'ipc' && after.namespace === 'ipc') {
    const zero = { msgQueues: 0, msgBytes: 0, messages: 0, semSets: 0, semaphores: 0, shmSegments: 0, shmBytes: 0 };
    const sum = (pods: IpcReading[], names: ReadonlySet<string>) => pods.filter((pod) => names.has(pod.pod)).reduce((total, pod) => {
      for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += pod.state[key];
      return total;
    }, { ...zero });
    const both = new Set(after.pods.filter((pod) => before.pods.some((candidate) => candidate.pod === pod.pod)).map((pod) => pod.pod));
    return {
      metrics: ipcMetrics(sum(before.pods, both), sum(after.pods, both)),
      record: { namespace: 'ipc', pods: sources, ...(changes.length > 0 ? { problem: `counted only over the pods present before and after: ${changes.join('; ')}` } : {}) },
    };
  }
  throw new Error('internal: kernel readings of different namespaces');
}

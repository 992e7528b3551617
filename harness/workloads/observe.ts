import { EnvironmentError } from '../errors.js';
import { poll } from '../run/abort.js';
import { classifyPods, type Observation } from './classify.js';
import { labels, type InCluster, type WorkloadDeployment } from './spec.js';

/**
 * Polls the workload's pods and events until the outcome is known or the time is up. A pod whose
 * image cannot be pulled will never show an admission outcome: that is the environment's fault,
 * said at once rather than after the timeout.
 */
export async function observeAdmission(target: InCluster, deployment: WorkloadDeployment, timeoutMs = 180_000): Promise<Observation> {
  let last: Observation | undefined;
  const outcome = await poll(async () => {
    last = await observeOnce(target, deployment);
    if (last.stuck) {
      throw new EnvironmentError(`the image of ${deployment.name} cannot be pulled: ${last.stuck}`, {
        fix: 'push the sysctl-bench images to the registry the nodes pull from (see docs/staging-cluster.md), or pass --registry',
      });
    }
    return last.outcome === 'pending' ? undefined : last;
  }, { timeoutMs, intervalMs: 2_000, signal: target.kube.signal });
  return outcome ?? last ?? { outcome: 'pending', reason: 'Timeout', message: `no outcome within ${timeoutMs} ms`, podPhase: undefined, pods: [], events: [] };
}

export async function observeOnce(target: InCluster, deployment: WorkloadDeployment): Promise<Observation> {
  const { kube, namespace } = target;
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${deployment.name}` });
  const podNames = new Set(pods.items.map((pod) => pod.metadata?.name));
  const events = await kube.core.listNamespacedEvent({ namespace });
  // The pods' events, and their controllers' (a ReplicaSet is <deployment>-<hash>): Pod Security
  // refuses pods before they exist, and only the controller's FailedCreate says so.
  const controller = (name: string | undefined, kind: string | undefined) => kind !== 'Pod'
    && (name === deployment.name || (kind === 'ReplicaSet' && name?.startsWith(`${deployment.name}-`) === true));
  const related = events.items.filter((event) => podNames.has(event.involvedObject?.name) || controller(event.involvedObject?.name, event.involvedObject?.kind));
  return classifyPods(pods.items, related, await expectedPods(target, deployment));
}

/** How many pods the workload asks for: its replicas, or the nodes its DaemonSet controller has counted (none counted yet: not decidable). */
async function expectedPods(target: InCluster, deployment: WorkloadDeployment): Promise<number> {
  if (deployment.kind !== 'DaemonSet') return deployment.replicas;
  const daemonSet = await target.kube.apps.readNamespacedDaemonSet({ name: deployment.name, namespace: target.namespace }).catch(() => undefined);
  if (!daemonSet) return Number.MAX_SAFE_INTEGER;
  const counted = (daemonSet.status?.observedGeneration ?? 0) >= (daemonSet.metadata?.generation ?? 1);
  return counted && (daemonSet.status?.desiredNumberScheduled ?? 0) > 0 ? daemonSet.status?.desiredNumberScheduled ?? 0 : Number.MAX_SAFE_INTEGER;
}

export interface RunningPod {
  pod: string;
  node: string;
  ip: string;
  /** The runtime's id of the app container ("containerd://..."), once it has started. */
  containerId?: string;
}

/** Names of the workload's running pods with the node each is on. */
export async function runningPods(target: InCluster, deployment: Pick<WorkloadDeployment, 'name'>): Promise<RunningPod[]> {
  const { kube, namespace } = target;
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${deployment.name}` });
  return pods.items
    .filter((pod) => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp)
    .map((pod) => {
      const containerId = pod.status?.containerStatuses?.find((container) => container.name === 'app')?.containerID;
      return { pod: pod.metadata?.name ?? '', node: pod.spec?.nodeName ?? '', ip: pod.status?.podIP ?? '', ...(containerId ? { containerId } : {}) };
    });
}

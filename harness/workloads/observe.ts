import { setTimeout as sleep } from 'node:timers/promises';
import type { Kube } from '../kube/client.js';
import { classifyPods, type Observation } from './classify.js';
import { labels, namespace, type WorkloadDeployment } from './spec.js';

/** Polls the workload's pods and events until the outcome is known or the time is up. */
export async function observeAdmission(kube: Kube, deployment: WorkloadDeployment, timeoutMs = 180_000): Promise<Observation> {
  const deadline = Date.now() + timeoutMs;
  let last: Observation | undefined;
  while (Date.now() < deadline) {
    last = await observeOnce(kube, deployment);
    if (last.outcome !== 'pending') return last;
    await sleep(2_000);
  }
  return last ?? { outcome: 'pending', reason: 'Timeout', message: `no outcome within ${timeoutMs} ms`, podPhase: undefined, pods: [], events: [] };
}

export async function observeOnce(kube: Kube, deployment: WorkloadDeployment): Promise<Observation> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${deployment.name}` });
  const podNames = new Set(pods.items.map((pod) => pod.metadata?.name));
  const events = await kube.core.listNamespacedEvent({ namespace });
  const related = events.items.filter((event) => podNames.has(event.involvedObject?.name));
  return classifyPods(pods.items, related);
}

/** Names of the workload's running pods with the node each is on. */
export async function runningPods(kube: Kube, deployment: WorkloadDeployment): Promise<Array<{ pod: string; node: string; ip: string }>> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${deployment.name}` });
  return pods.items
    .filter((pod) => pod.status?.phase === 'Running')
    .map((pod) => ({ pod: pod.metadata?.name ?? '', node: pod.spec?.nodeName ?? '', ip: pod.status?.podIP ?? '' }));
}

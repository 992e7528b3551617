import { apiStatus, ignoreNotFound } from '../kube/client.js';
import { poll } from '../run/abort.js';
import { serviceObject, workloadObject } from './manifest.js';
import { labels, type InCluster, type WorkloadDeployment } from './spec.js';

export type ApplyOutcome = { accepted: true } | { accepted: false; code: number | undefined; message: string };

/**
 * Creates the workload (and its service). The API server may refuse it outright (invalid sysctl
 * name, duplicate, hostNetwork conflict): that refusal is an admission outcome, not an error.
 */
export async function applyWorkload(target: InCluster, deployment: WorkloadDeployment): Promise<ApplyOutcome> {
  const { kube, namespace } = target;
  const object = workloadObject(deployment, namespace);
  try {
    switch (object.kind) {
      case 'Deployment':
        await kube.apps.createNamespacedDeployment({ namespace, body: object.body });
        break;
      case 'StatefulSet':
        await kube.apps.createNamespacedStatefulSet({ namespace, body: object.body });
        break;
      case 'DaemonSet':
        await kube.apps.createNamespacedDaemonSet({ namespace, body: object.body });
        break;
    }
  } catch (error) {
    if (kube.signal?.aborted) throw error;
    const status = apiStatus(error);
    return { accepted: false, code: status.code, message: status.message };
  }
  const service = serviceObject(deployment, namespace);
  if (service) await kube.core.createNamespacedService({ namespace, body: service });
  return { accepted: true };
}

/** Removes the workload and its service; a rejected Deployment would otherwise keep making rejected pods. */
export async function removeWorkload(target: InCluster, deployment: WorkloadDeployment): Promise<void> {
  const { kube, namespace } = target;
  const name = deployment.name;
  const propagationPolicy = 'Foreground';
  switch (deployment.kind) {
    case 'Deployment':
      await ignoreNotFound(kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy }));
      break;
    case 'StatefulSet':
      await ignoreNotFound(kube.apps.deleteNamespacedStatefulSet({ name, namespace, propagationPolicy }));
      break;
    case 'DaemonSet':
      await ignoreNotFound(kube.apps.deleteNamespacedDaemonSet({ name, namespace, propagationPolicy }));
      break;
  }
  await ignoreNotFound(kube.core.deleteNamespacedService({ name, namespace }));
  await ignoreNotFound(kube.core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${name}`, gracePeriodSeconds: 0 }));
}

/** Waits until the workload object (deleted in the foreground) and every pod of it are gone; false when still there at the end. */
export async function workloadGone(target: InCluster, deployment: WorkloadDeployment, timeoutMs: number): Promise<boolean> {
  const { kube, namespace } = target;
  const name = deployment.name;
  const exists = async (read: Promise<unknown>) => read.then(() => true, (error: unknown) => {
    if (apiStatus(error).code === 404) return false;
    throw error;
  });
  const gone = await poll(async () => {
    const object = deployment.kind === 'Deployment' ? kube.apps.readNamespacedDeployment({ name, namespace })
      : deployment.kind === 'StatefulSet' ? kube.apps.readNamespacedStatefulSet({ name, namespace })
        : kube.apps.readNamespacedDaemonSet({ name, namespace });
    if (await exists(object)) return undefined;
    const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `${labels.deployment}=${name}` });
    return pods.items.length === 0 ? true : undefined;
  }, { timeoutMs, intervalMs: 1_000, signal: kube.signal });
  return gone === true;
}

import { apiStatus, type Kube } from '../kube/client.js';
import { serviceObject, workloadObject } from './manifest.js';
import { namespace, type WorkloadDeployment } from './spec.js';

export type ApplyOutcome = { accepted: true } | { accepted: false; code: number | undefined; message: string };

export async function ensureNamespace(kube: Kube): Promise<void> {
  try {
    await kube.core.readNamespace({ name: namespace });
  } catch {
    await kube.core.createNamespace({ body: { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'sysctl-bench' } } } });
  }
}

/**
 * Creates the workload (and its service). The API server may refuse it outright (invalid sysctl
 * name, duplicate, hostNetwork conflict): that refusal is an admission outcome, not an error.
 */
export async function applyWorkload(kube: Kube, deployment: WorkloadDeployment): Promise<ApplyOutcome> {
  const object = workloadObject(deployment);
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
    const status = apiStatus(error);
    return { accepted: false, code: status.code, message: status.message };
  }
  if (deployment.app === 'net-server') {
    await kube.core.createNamespacedService({ namespace, body: serviceObject(deployment) });
  }
  return { accepted: true };
}

/** Removes the workload and its service; a rejected Deployment would otherwise keep making rejected pods. */
export async function removeWorkload(kube: Kube, deployment: WorkloadDeployment): Promise<void> {
  const name = deployment.name;
  const ignoreMissing = (promise: Promise<unknown>) => promise.catch(() => undefined);
  const propagationPolicy = 'Foreground';
  switch (deployment.kind) {
    case 'Deployment':
      await ignoreMissing(kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy }));
      break;
    case 'StatefulSet':
      await ignoreMissing(kube.apps.deleteNamespacedStatefulSet({ name, namespace, propagationPolicy }));
      break;
    case 'DaemonSet':
      await ignoreMissing(kube.apps.deleteNamespacedDaemonSet({ name, namespace, propagationPolicy }));
      break;
  }
  await ignoreMissing(kube.core.deleteNamespacedService({ name, namespace }));
  await ignoreMissing(kube.core.deleteCollectionNamespacedPod({ namespace, labelSelector: `sysctl-bench/deployment=${name}`, gracePeriodSeconds: 0 }));
}

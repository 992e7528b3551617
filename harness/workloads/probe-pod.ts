import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import { labels, namespace, objectName } from './spec.js';

/**
 * A privileged pod pinned to one node, for the proof that a pod's own runtime change stays in its
 * namespace. Privileged, because /proc/sys is read-only in ordinary containers.
 */
export async function startProbePod(kube: Kube, node: string, image: string, privileged: boolean): Promise<string> {
  const name = objectName('probe', privileged ? 'priv' : 'plain', node);
  const body: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { [labels.managed]: 'sysctl-bench', 'sysctl-bench/probe': 'true' } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{
        name: 'app', image, imagePullPolicy: 'Never', command: ['sleep', '3600'],
        securityContext: privileged ? { privileged: true } : undefined,
      }],
    },
  };
  await kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
  await waitGone(kube, name);
  await kube.core.createNamespacedPod({ namespace, body });
  for (let i = 0; i < 90; i += 1) {
    const pod = await kube.core.readNamespacedPod({ name, namespace });
    if (pod.status?.phase === 'Running') return name;
    if (pod.status?.phase === 'Failed') throw new Error(`probe pod ${name} failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`);
    await sleep(1_000);
  }
  throw new Error(`probe pod ${name} did not start within 90 s`);
}

export async function stopProbePod(kube: Kube, name: string): Promise<void> {
  await kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
}

async function waitGone(kube: Kube, name: string): Promise<void> {
  for (let i = 0; i < 30; i += 1) {
    try {
      await kube.core.readNamespacedPod({ name, namespace });
    } catch {
      return;
    }
    await sleep(1_000);
  }
}

import type { V1Pod } from '@kubernetes/client-node';
import { ignoreNotFound } from '../kube/client.js';
import { poll } from '../run/abort.js';
import { labels, managedBy, objectName, type InCluster } from './spec.js';

export interface ProbePodOptions {
  node: string;
  image: string;
  imagePullPolicy: 'Never' | 'IfNotPresent';
  /** Privileged: /proc/sys is read-only in ordinary containers. */
  privileged: boolean;
  /** Shares the node's network, IPC and PID namespaces (a node agent, as `kubectl debug node` makes). */
  hostNamespaces?: boolean;
  name?: string;
}

/**
 * A pod pinned to one node that idles, for reads and writes by exec: a privileged probe for the
 * proof that a pod's own runtime change stays in its namespace, or a node agent in the node's
 * namespaces on clusters sysctl-bench cannot `docker exec` into.
 */
export async function startProbePod(target: InCluster, options: ProbePodOptions): Promise<string> {
  const { kube, namespace } = target;
  const name = options.name ?? objectName('probe', options.privileged ? 'priv' : 'plain', options.node);
  const host = options.hostNamespaces === true;
  const body: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { [labels.managed]: managedBy, 'sysctl-bench/probe': 'true' } },
    spec: {
      nodeName: options.node,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: host,
      hostIPC: host,
      hostPID: host,
      // A node agent must run on any node, tainted or not (control planes, dedicated pools).
      tolerations: host ? [{ operator: 'Exists' }] : undefined,
      containers: [{
        name: 'app', image: options.image, imagePullPolicy: options.imagePullPolicy, command: ['sleep', '86400'],
        securityContext: options.privileged ? { privileged: true } : undefined,
      }],
    },
  };
  await ignoreNotFound(kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }));
  await poll(async () => {
    try {
      await kube.core.readNamespacedPod({ name, namespace });
      return undefined;
    } catch {
      return true;
    }
  }, { timeoutMs: 30_000, intervalMs: 1_000, signal: kube.signal });
  await kube.core.createNamespacedPod({ namespace, body });
  const started = await poll(async () => {
    const pod = await kube.core.readNamespacedPod({ name, namespace });
    if (pod.status?.phase === 'Running') return name;
    if (pod.status?.phase === 'Failed') throw new Error(`probe pod ${name} failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`);
    const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
    if (waiting?.reason && /Image|ErrImage/.test(waiting.reason)) throw new Error(`probe pod ${name}: ${waiting.reason}: ${waiting.message ?? options.image}`);
    return undefined;
  }, { timeoutMs: 120_000, intervalMs: 1_000, signal: kube.signal });
  if (!started) throw new Error(`probe pod ${name} did not start within 120 s`);
  return started;
}

export async function stopProbePod(target: InCluster, name: string): Promise<void> {
  await ignoreNotFound(target.kube.core.deleteNamespacedPod({ name, namespace: target.namespace, gracePeriodSeconds: 0 }));
}

import { hostname } from 'node:os';
import type { V1Namespace } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ignoreNotFound, type Kube } from '../kube/client.js';
import { poll } from '../run/abort.js';
import { processAlive } from '../run/ownership.js';
import { labels, labelValue, managedBy } from '../workloads/spec.js';

/**
 * Every object of a run lives in one namespace, labelled with the run id; removing the namespace
 * removes them all. A live run renews a heartbeat on it, so that the next run (on this machine or
 * another) can tell a namespace left by a killed run from one a run still uses.
 */
export const annotations = {
  heartbeat: 'sysctl-bench/heartbeat',
  host: 'sysctl-bench/host',
  pid: 'sysctl-bench/pid',
} as const;

/** The namespace of a run: everything it creates in a cluster lives there. */
export function runNamespace(shortId: string): string {
  return `sysctl-bench-${shortId}`;
}

export const heartbeatIntervalMs = 15_000;
/** A heartbeat older than this belongs to a run that is gone. */
export const heartbeatStaleMs = 90_000;

/**
 * The run's namespace. Pod Security: the scenario's labels when it sets them (its workloads are
 * observed under them; the privileged probes and node agents then meet the same policy), else
 * privileged, which the node agents and the privileged probe need.
 */
export function namespaceObject(name: string, runId: string, now: Date, podSecurityLabels: Record<string, string> = {}): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        [labels.managed]: managedBy,
        [labels.run]: labelValue(runId),
        ...(Object.keys(podSecurityLabels).length > 0 ? podSecurityLabels : { 'pod-security.kubernetes.io/enforce': 'privileged' }),
      },
      annotations: { [annotations.heartbeat]: now.toISOString(), [annotations.host]: hostname(), [annotations.pid]: String(process.pid) },
    },
  };
}

export async function createRunNamespace(kube: Kube, name: string, runId: string, podSecurityLabels: Record<string, string> = {}): Promise<void> {
  await kube.core.createNamespace({ body: namespaceObject(name, runId, new Date(), podSecurityLabels) });
}

/** Renews the heartbeat until stopped; a failed renewal is retried at the next beat. */
export function startHeartbeat(kube: Kube, name: string): () => void {
  const timer = setInterval(() => {
    kube.core.patchNamespace(
      { name, body: { metadata: { annotations: { [annotations.heartbeat]: new Date().toISOString() } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ).catch(() => undefined);
  }, heartbeatIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Deletes the namespace and waits until it is gone, so that "nothing is left" holds when the run ends. */
export async function deleteRunNamespace(kube: Kube, name: string, timeoutMs = 180_000): Promise<boolean> {
  await ignoreNotFound(kube.core.deleteNamespace({ name, propagationPolicy: 'Background', gracePeriodSeconds: 0 }));
  const gone = await poll(async () => {
    try {
      await kube.core.readNamespace({ name });
      return undefined;
    } catch {
      return true;
    }
  }, { timeoutMs, intervalMs: 2_000 });
  return gone === true;
}

/**
 * Pure: a namespace of another run is abandoned when that run is known dead here (same host, its
 * process gone) or its heartbeat has not been renewed for a while. Namespaces already being
 * deleted are left to finish.
 */
export function isAbandoned(namespace: V1Namespace, now: Date, self: { host: string; alive: (pid: number) => boolean }): boolean {
  if (namespace.metadata?.deletionTimestamp) return false;
  const notes = namespace.metadata?.annotations ?? {};
  const pid = Number(notes[annotations.pid]);
  if (notes[annotations.host] === self.host && Number.isInteger(pid) && pid > 0 && !self.alive(pid)) return true;
  const beat = Date.parse(notes[annotations.heartbeat] ?? '');
  return Number.isNaN(beat) || now.getTime() - beat > heartbeatStaleMs;
}

/** Removes the namespaces runs killed earlier left in this cluster; returns their names. */
export async function removeNamespaceLeftovers(kube: Kube, currentNamespace: string | undefined, log: (line: string) => void): Promise<string[]> {
  const list = await kube.core.listNamespace({ labelSelector: `${labels.managed}=${managedBy},${labels.run}` });
  const removed: string[] = [];
  const self = { host: hostname(), alive: processAlive };
  for (const namespace of list.items) {
    const name = namespace.metadata?.name;
    if (!name || name === currentNamespace || !isAbandoned(namespace, new Date(), self)) continue;
    log(`  removing namespace ${name} left by run ${namespace.metadata?.labels?.[labels.run] ?? '?'}`);
    await ignoreNotFound(kube.core.deleteNamespace({ name, propagationPolicy: 'Background' }));
    removed.push(`namespace ${name}`);
  }
  return removed;
}

import { hostname } from 'node:os';
import { connect, loadKubeConfig, type KubeSource } from '../kube/client.js';
import { deleteRunNamespace, isAbandoned } from '../provider/namespace.js';
import { processAlive } from '../run/ownership.js';
import { labels, managedBy } from '../workloads/spec.js';
import type { CleanItem, CleanOutcome } from './machine.js';

/**
 * On a cluster sysctl-bench did not create, all it ever makes is one namespace per run, labelled
 * app.kubernetes.io/managed-by=sysctl-bench: those are found and removed, nothing else. A
 * namespace whose run still renews its heartbeat is left alone.
 */
export async function findClusterLeftovers(source: KubeSource): Promise<Array<CleanItem & { namespace: string }>> {
  const kube = connect(loadKubeConfig(source));
  const list = await kube.core.listNamespace({ labelSelector: `${labels.managed}=${managedBy}` });
  const self = { host: hostname(), alive: processAlive };
  return list.items.flatMap((namespace) => {
    const name = namespace.metadata?.name;
    if (!name) return [];
    const run = namespace.metadata?.labels?.[labels.run] ?? '?';
    const terminating = namespace.metadata?.deletionTimestamp !== undefined;
    const live = !terminating && !isAbandoned(namespace, new Date(), self);
    return [{
      kind: 'namespace' as const, name: `namespace ${name}`, namespace: name, why: `run ${run}`,
      ...(live ? { skip: `run ${run} is still using it (its heartbeat is fresh)` } : {}),
    }];
  });
}

export async function removeClusterLeftovers(source: KubeSource, items: ReadonlyArray<CleanItem & { namespace: string }>): Promise<CleanOutcome[]> {
  const kube = connect(loadKubeConfig(source));
  const outcomes: CleanOutcome[] = [];
  for (const item of items.filter((candidate) => !candidate.skip)) {
    const gone = await deleteRunNamespace(kube, item.namespace).catch(() => false);
    outcomes.push({ item, done: gone, ...(gone ? {} : { detail: 'still terminating after 180 s' }) });
  }
  return outcomes;
}

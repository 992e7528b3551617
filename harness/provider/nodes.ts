import type { V1Node } from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import { poll } from '../run/abort.js';
import type { ClusterNode } from './types.js';

/** True when the node carries every label of the selector. */
export function matchesSelector(labels: Readonly<Record<string, string>> | undefined, selector: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

export function labelSelectorText(selector: Readonly<Record<string, string>>): string {
  return Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
}

export function isControlPlane(node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
}

/** The cluster's nodes, each in the first pool whose selector its labels match. */
export function toClusterNodes(nodes: readonly V1Node[], pools: ReadonlyArray<{ name: string; nodeSelector: Readonly<Record<string, string>> }>): ClusterNode[] {
  return nodes.map((node) => ({
    name: node.metadata?.name ?? '',
    role: isControlPlane(node) ? 'control-plane' as const : 'worker' as const,
    pool: pools.find((pool) => matchesSelector(node.metadata?.labels, pool.nodeSelector))?.name,
  })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listNodes(kube: Kube): Promise<V1Node[]> {
  return (await kube.core.listNode()).items;
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/**
 * Waits until every named node has registered and is Ready: a state, not a moment. `kind create
 * --wait` waits for the control plane only; a worker still registering (late on a busy machine)
 * would not be in its pool, and its pods would wait for it. Returns the names still missing or
 * not Ready at the end (none: all there).
 */
export async function awaitNodesReady(kube: Kube, names: readonly string[], timeoutMs: number): Promise<string[]> {
  let missing: string[] = [...names];
  await poll(async () => {
    const nodes = await listNodes(kube);
    missing = names.filter((name) => !nodes.some((node) => node.metadata?.name === name && isReady(node)));
    return missing.length === 0 ? true : undefined;
  }, { timeoutMs, intervalMs: 2_000, ...(kube.signal ? { signal: kube.signal } : {}) });
  return missing;
}

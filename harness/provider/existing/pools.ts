import type { V1Node } from '@kubernetes/client-node';
import type { ScenarioPool } from '../../scenario/schema.js';
import { labelSelectorText, matchesSelector } from '../nodes.js';
import type { NodeFacts, PoolFacts } from '../types.js';
import type { KubeletConfigRead } from './configz.js';

export function sameAllowlist(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((entry, i) => entry === right[i]);
}

export function formatAllowlist(list: readonly string[]): string {
  return list.length === 0 ? '(none)' : list.join(',');
}

/** What the API server says of a node, and what its kubelet said of its allowlist (or why it could not). */
export function nodeFacts(pool: ScenarioPool, node: V1Node, read: KubeletConfigRead): NodeFacts {
  const info = node.status?.nodeInfo;
  const base = {
    name: node.metadata?.name ?? '',
    pool: pool.name,
    ...(info?.kernelVersion ? { kernel: info.kernelVersion } : {}),
    ...(info?.kubeletVersion ? { kubeletVersion: info.kubeletVersion } : {}),
    ...(info?.containerRuntimeVersion ? { containerRuntime: info.containerRuntimeVersion } : {}),
    ...(info?.osImage ? { osImage: info.osImage } : {}),
    labels: { ...(node.metadata?.labels ?? {}) },
  };
  return read.ok
    ? { ...base, allowedUnsafeSysctls: read.allowedUnsafeSysctls, source: 'configz', kubeletConfig: read.config }
    : { ...base, allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls], source: 'declared', unreadable: read.reason };
}

/**
 * A pool as its nodes really are. Admission is predicted from what the kubelets allow; a
 * disagreement with the scenario, or between nodes, is said (a finding), never smoothed over.
 * When the nodes disagree, the prediction takes the allowlist most of them have (ties: the
 * first node by name) and the workloads are pinned to those nodes, so that what is predicted is
 * what is observed.
 */
export function poolFacts(pool: ScenarioPool, selector: Record<string, string>, nodes: readonly NodeFacts[]): PoolFacts {
  const findings: string[] = [];
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  if (sorted.length === 0) {
    return { pool: pool.name, nodeSelector: selector, allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls], source: 'declared', nodes: [], findings: [`no node matches ${labelSelectorText(selector)}`] };
  }
  const unread = sorted.filter((node) => node.source === 'declared');
  if (unread.length > 0) {
    findings.push(`the allowlist of ${unread.map((node) => node.name).join(', ')} could not be read (${unread[0]?.unreadable ?? ''}); the scenario's declaration is used for ${unread.length === 1 ? 'it' : 'them'}: declared, not observed`);
  }
  const groups = new Map<string, NodeFacts[]>();
  for (const node of sorted.filter((candidate) => candidate.source === 'configz')) {
    const key = [...new Set(node.allowedUnsafeSysctls)].sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  if (groups.size === 0) {
    return { pool: pool.name, nodeSelector: selector, allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls], source: 'declared', nodes: sorted, findings };
  }
  const ranked = [...groups.values()].sort((a, b) => b.length - a.length);
  const chosen = ranked[0] ?? [];
  const allowlist = chosen[0]?.allowedUnsafeSysctls ?? [];
  let pinnedNodes: string[] | undefined;
  if (groups.size > 1) {
    const described = ranked.map((group) => `${group.map((node) => node.name).join(', ')}: ${formatAllowlist(group[0]?.allowedUnsafeSysctls ?? [])}`).join('; ');
    findings.push(`the nodes of pool ${pool.name} disagree (${described}); predictions use ${formatAllowlist(allowlist)} and its workloads run only on ${chosen.map((node) => node.name).join(', ')}`);
    pinnedNodes = chosen.map((node) => node.name);
  } else if (unread.length > 0) {
    findings.push(`workloads of pool ${pool.name} run only on the nodes whose allowlist was read: ${chosen.map((node) => node.name).join(', ')}`);
    pinnedNodes = chosen.map((node) => node.name);
  }
  if (!sameAllowlist(allowlist, pool.allowedUnsafeSysctls)) {
    findings.push(`pool ${pool.name} declares allowedUnsafeSysctls ${formatAllowlist(pool.allowedUnsafeSysctls)}; its kubelets allow ${formatAllowlist(allowlist)}: predictions use what the kubelets allow`);
  }
  return {
    pool: pool.name, nodeSelector: selector, allowedUnsafeSysctls: [...allowlist], source: 'configz', nodes: sorted, findings,
    ...(pinnedNodes ? { pinnedNodes } : {}),
  };
}

export function nodesOfPool(nodes: readonly V1Node[], selector: Record<string, string>): V1Node[] {
  return nodes.filter((node) => matchesSelector(node.metadata?.labels, selector));
}

/** "1.37" from "v1.37.2" (or "v1.37.2-gke.100"). */
export function minorOf(gitVersion: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

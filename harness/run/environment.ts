import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import type { Plan } from '../plan/plan.js';
import { plannedKindNodes } from '../provider/kind/config.js';
import type { ClusterFacts, ProviderEnvironment } from '../provider/types.js';
import type { Environment, NodeInfo } from '../results/raw.js';
import { buildInfo } from '../version.js';

/**
 * The environment section: where the numbers come from. On kind the nodes are as planned (the
 * kubelet flags sysctl-bench gave them, on this machine's kernel and cgroups); on an existing
 * cluster each node as read: its kernel, OS, runtime and kubelet version from its status, and
 * the configuration its live kubelet reported (configz).
 */
export function describeEnvironment(plan: Plan, facts: ClusterFacts, provider: ProviderEnvironment): Environment {
  const onKind = provider.provider === 'kind';
  const findings = [...facts.findings, ...facts.pools.flatMap((pool) => pool.findings)];
  return {
    kubernetesVersion: facts.kubernetesPatch,
    ...(onKind ? { kindVersion: provider.detail.replace(/^kind /, '') } : {}),
    kernel: release(),
    machine: { cpus: cpus().length, memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`, os: osName() },
    nodes: onKind ? kindNodes(plan, facts) : observedNodes(facts),
    provider: provider.provider,
    ...(provider.nodeImage ? { nodeImage: provider.nodeImage } : {}),
    ...(provider.containerRuntime ? { containerRuntime: provider.containerRuntime } : {}),
    // The machine that ran the nodes: this one on kind; unknown here for a cluster someone else runs.
    ...(onKind ? { cgroupVersion: cgroupVersion() } : {}),
    sysctlBench: buildInfo(),
    ...(findings.length > 0 ? { findings } : {}),
    ...(plan.kubernetesVersions.length > 1 ? {
      kubernetesVersions: plan.kubernetesVersions.map((minor) => {
        const nodeImage = provider.nodeImages?.[minor];
        return {
          minor, patch: patchOf(facts, minor), ...(nodeImage ? { nodeImage } : {}),
          clusters: plan.clusters.filter((cluster) => cluster.kubernetesVersion === minor).map((cluster) => cluster.name),
        };
      }),
    } : {}),
  };
}

/** The full version of a minor the run brings up: the provider's word for it. */
function patchOf(facts: ClusterFacts, minor: string): string {
  return facts.kubernetesVersions?.find((entry) => entry.kubernetesVersion === minor)?.kubernetesPatch ?? facts.kubernetesPatch;
}

/** kind nodes as planned: the flags sysctl-bench gives each kubelet, on this machine's kernel. */
function kindNodes(plan: Plan, facts: ClusterFacts): NodeInfo[] {
  return plan.clusters.flatMap((cluster) => plannedKindNodes({ ...plan, clusters: [cluster] }).map((node) => ({
    ...node,
    kernel: release(),
    kubeletVersion: `v${patchOf(facts, cluster.kubernetesVersion)}`,
    ...(node.role === 'worker' ? { kubeletConfig: { allowedUnsafeSysctls: node.allowedUnsafeSysctls }, kubeletConfigSource: 'planned (from the scenario)' } : {}),
  })));
}

function observedNodes(facts: ClusterFacts): NodeInfo[] {
  return facts.pools.flatMap((pool) => pool.nodes.map((node) => ({
    name: node.name,
    pool: pool.pool,
    role: 'worker',
    // The flags are not read here (that needs a privileged pod on the node); configz holds their effect.
    kubeletFlags: [],
    allowedUnsafeSysctls: [...node.allowedUnsafeSysctls],
    ...(node.kernel ? { kernel: node.kernel } : {}),
    ...(node.osImage ? { osImage: node.osImage } : {}),
    ...(node.containerRuntime ? { containerRuntime: node.containerRuntime } : {}),
    ...(node.kubeletVersion ? { kubeletVersion: node.kubeletVersion } : {}),
    ...(node.kubeletConfig ? { kubeletConfig: node.kubeletConfig } : {}),
    kubeletConfigSource: node.source === 'configz' ? 'configz (the live kubelet)' : `declared in the scenario, not observed: ${node.unreadable ?? 'configz could not be read'}`,
  })));
}

function cgroupVersion(): 'v1' | 'v2' {
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1';
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return pretty ?? osType();
  } catch {
    return osType();
  }
}

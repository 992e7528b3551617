import { cpus, release, totalmem, type as osType } from 'node:os';
import { readFileSync } from 'node:fs';
import { kindClusterConfig, allowlistKubeletArgs, POOL_LABEL } from '../policy/index.js';
import type { Environment, NodeInfo } from '../results/raw.js';
import { run } from '../toolchain/exec.js';
import { kindBinary } from '../toolchain/artefacts/kind.js';
import type { Plan } from '../plan/plan.js';

/** The kind config for one planned cluster: a control plane and one labelled, allowlisted worker per pool. */
export function kindConfigFor(plan: Plan, clusterName: string, nodeImage: string) {
  const cluster = plan.clusters.find((candidate) => candidate.name === clusterName);
  if (!cluster) throw new Error(`no planned cluster ${clusterName}`);
  return kindClusterConfig({
    name: cluster.name,
    kubernetesVersion: plan.kubernetesVersion,
    nodeImage,
    pools: cluster.pools,
    // The CI hosts run cgroup v1; from Kubernetes 1.35 the kubelet refuses it unless told otherwise.
    allowCgroupV1: true,
  });
}

/**
 * Node names as kind gives them: <cluster>-control-plane, then <cluster>-worker, -worker2, ...
 * in the order of the config's workers, which is the order of the pools.
 */
export function plannedNodes(plan: Plan): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  for (const cluster of plan.clusters) {
    nodes.push({ name: `${cluster.name}-control-plane`, pool: '-', role: 'control-plane', kubeletFlags: [], allowedUnsafeSysctls: [] });
    cluster.pools.forEach((pool, index) => {
      const flags = Object.entries({ 'node-labels': `${POOL_LABEL}=${pool.name}`, ...allowlistKubeletArgs(pool.allowedUnsafeSysctls) })
        .map(([flag, value]) => `--${flag}=${value}`);
      nodes.push({
        name: `${cluster.name}-worker${index === 0 ? '' : index + 1}`,
        pool: pool.name,
        role: 'worker',
        kubeletFlags: flags,
        allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls],
      });
    });
  }
  return nodes;
}

export async function describeEnvironment(plan: Plan, kubernetesPatch: string): Promise<Environment> {
  const kind = await kindBinary().then((binary) => run(binary, ['version'], { allowFailure: true })).catch(() => undefined);
  return {
    kubernetesVersion: kubernetesPatch,
    kindVersion: kind?.stdout.trim().split(/\s+/)[1] ?? 'unknown',
    kernel: release(),
    machine: { cpus: cpus().length, memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`, os: osName() },
    nodes: plannedNodes(plan),
  };
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return pretty ?? osType();
  } catch {
    return osType();
  }
}

import { UserError } from '../../errors.js';
import { allowlistKubeletArgs, kindClusterConfig, POOL_LABEL } from '../../policy/index.js';
import type { Plan, PlannedPool } from '../../plan/plan.js';
import type { NodeInfo } from '../../results/raw.js';

/** The kind config for one planned cluster: a control plane and one labelled, allowlisted worker per pool. */
export function kindConfigFor(plan: Plan, clusterName: string, nodeImage?: string) {
  const cluster = plan.clusters.find((candidate) => candidate.name === clusterName);
  if (!cluster) throw new Error(`no planned cluster ${clusterName}`);
  for (const pool of cluster.pools) checkKubeletLabels(pool);
  return kindClusterConfig({
    name: cluster.name,
    kubernetesVersion: cluster.kubernetesVersion,
    ...(nodeImage ? { nodeImage } : {}),
    pools: cluster.pools.map((pool) => ({ name: pool.name, allowedUnsafeSysctls: pool.allowedUnsafeSysctls, labels: pool.labels })),
    // The CI hosts run cgroup v1; from Kubernetes 1.35 the kubelet refuses it unless told otherwise.
    allowCgroupV1: true,
  });
}

/**
 * A kubelet may not give its own node labels under kubernetes.io or k8s.io, except a few
 * (the NodeRestriction admission plugin's list); it would not register at all. Said before the
 * cluster is created, naming the pool.
 */
function checkKubeletLabels(pool: PlannedPool): void {
  for (const key of Object.keys(pool.labels)) {
    const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    const restricted = /(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix);
    const allowed = ['kubelet.kubernetes.io', 'node.kubernetes.io'].some((ok) => prefix === ok || prefix.endsWith(`.${ok}`))
      || ['kubernetes.io/hostname', 'kubernetes.io/arch', 'kubernetes.io/os', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone'].includes(key);
    if (restricted && !allowed) {
      throw new UserError(`pool ${pool.name}: a kind worker cannot label itself ${key} (the kubelet may not set labels under kubernetes.io or k8s.io)`, {
        where: `spec.pools[${pool.name}].nodeSelector`, fix: 'use a label of your own (e.g. example.com/pool) or one under node.kubernetes.io/',
      });
    }
  }
}

/**
 * Node names as kind gives them: <cluster>-control-plane, then <cluster>-worker, -worker2, ...
 * in the order of the config's workers, which is the order of the pools.
 */
export function plannedKindNodes(plan: Plan): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  for (const cluster of plan.clusters) {
    nodes.push({ name: `${cluster.name}-control-plane`, pool: '-', role: 'control-plane', kubeletFlags: [], allowedUnsafeSysctls: [] });
    cluster.pools.forEach((pool, index) => {
      const flags = Object.entries({ 'node-labels': Object.entries({ ...pool.labels, [POOL_LABEL]: pool.name }).map(([key, value]) => `${key}=${value}`).join(','), ...allowlistKubeletArgs(pool.allowedUnsafeSysctls) })
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

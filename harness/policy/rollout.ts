import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { buildAllowlist, kubeletStartupFailure } from './allowlist.js';
import type { KindCluster, KindNode, KubeletConfiguration, OpenShiftKubeletConfig } from './rollout-schemas.js';
import { namespacedGroupsFor } from './names.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

/**
 * Rollout artifacts for one allowlist: the same --allowed-unsafe-sysctls setting written the way
 * each platform takes it. Pure; every function refuses a list the kubelet would refuse.
 */

/** The line for /etc/sysconfig/kubelet (read by kubeadm's 10-kubeadm.conf drop-in as $KUBELET_EXTRA_ARGS). */
export function kubeletExtraArgsLine(allowedUnsafeSysctls: readonly string[]): string {
  requireLegal(allowedUnsafeSysctls);
  return `KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=${allowedUnsafeSysctls.join(',')}"`;
}

/** A KubeletConfiguration (kubelet --config file) carrying the allowlist. */
export function kubeletConfiguration(allowedUnsafeSysctls: readonly string[]): KubeletConfiguration {
  requireLegal(allowedUnsafeSysctls);
  return { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', allowedUnsafeSysctls: [...allowedUnsafeSysctls] };
}

/**
 * A cluster-wide kind `kubeadmConfigPatches` entry: every node's kubelet gets the allowlist.
 * Unversioned on purpose: kind translates unversioned patches for whichever kubeadm API it uses.
 */
export function kindClusterWidePatch(allowedUnsafeSysctls: readonly string[]): string {
  requireLegal(allowedUnsafeSysctls);
  return stringify({ kind: 'KubeletConfiguration', allowedUnsafeSysctls: [...allowedUnsafeSysctls] });
}

/**
 * A per-node kind patch (goes in that node's own `kubeadmConfigPatches`): the first control-plane
 * node is configured by InitConfiguration, every other node by JoinConfiguration.
 */
export function kindNodePatch(
  role: 'init' | 'join',
  kubeletExtraArgs: Readonly<Record<string, string>>,
): string {
  return stringify({
    kind: role === 'init' ? 'InitConfiguration' : 'JoinConfiguration',
    nodeRegistration: { kubeletExtraArgs: { ...kubeletExtraArgs } },
  });
}

/** The kubelet flags that give a node its allowlist, for a kind node patch. */
export function allowlistKubeletArgs(allowedUnsafeSysctls: readonly string[]): Record<string, string> {
  requireLegal(allowedUnsafeSysctls);
  return allowedUnsafeSysctls.length === 0 ? {} : { 'allowed-unsafe-sysctls': allowedUnsafeSysctls.join(',') };
}

export interface OpenShiftOptions {
  readonly name?: string;
  /** The label put on the MachineConfigPool (`oc label machineconfigpool worker custom-kubelet=sysctl`). */
  readonly poolLabel?: { readonly key: string; readonly value: string };
}

/** OpenShift/OKD: a KubeletConfig CR selecting a labelled MachineConfigPool. */
export function openshiftKubeletConfig(allowedUnsafeSysctls: readonly string[], options: OpenShiftOptions = {}): OpenShiftKubeletConfig {
  requireLegal(allowedUnsafeSysctls);
  if (allowedUnsafeSysctls.length === 0) throw new UserError('an OpenShift KubeletConfig needs at least one allowed sysctl', { fix: 'pass the sysctls to allow' });
  const label = options.poolLabel ?? { key: 'custom-kubelet', value: 'sysctl' };
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'KubeletConfig',
    metadata: { name: options.name ?? 'custom-kubelet' },
    spec: {
      machineConfigPoolSelector: { matchLabels: { [label.key]: label.value } },
      kubeletConfig: { allowedUnsafeSysctls: [...allowedUnsafeSysctls] },
    },
  };
}

/** The label that puts a node in a pool; workloads select it with a nodeSelector. */
export const POOL_LABEL = 'sysctl-bench/pool';

export interface NodePool {
  readonly name: string;
  readonly allowedUnsafeSysctls: readonly string[];
  /** More kubelet flags for this pool's node (flag name without dashes → value). */
  readonly extraKubeletArgs?: Readonly<Record<string, string>>;
  /** More labels for this pool's node, beside sysctl-bench/pool=<name> (e.g. the scenario's nodeSelector). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface KindClusterOptions {
  readonly name?: string;
  /** "X.Y"; decides the cgroup v1 patch. */
  readonly kubernetesVersion: string;
  /** kindest/node image for every node, e.g. "kindest/node:v1.34.0". */
  readonly nodeImage?: string;
  readonly pools: readonly NodePool[];
  /**
   * From Kubernetes 1.35 the kubelet refuses to start on a cgroup v1 host unless failCgroupV1 is
   * false; set this on such hosts. Ignored for older versions, where the field does not matter.
   */
  readonly allowCgroupV1?: boolean;
  /** Kubelet flags for every node. */
  readonly extraKubeletArgs?: Readonly<Record<string, string>>;
}

/** A kind v1alpha4 Cluster: one control plane and one worker per pool, each worker labelled and allowlisted. */
export function kindClusterConfig(options: KindClusterOptions): KindCluster {
  const version = parseMinorVersion(options.kubernetesVersion);
  if (!version) throw new UserError(`not a Kubernetes version: ${options.kubernetesVersion}`, { fix: 'use X.Y, e.g. 1.34' });
  if (options.pools.length === 0) throw new UserError('a kind cluster needs at least one node pool');
  const seen = new Set<string>();
  for (const pool of options.pools) {
    if (seen.has(pool.name)) throw new UserError(`node pool "${pool.name}" is listed twice`);
    seen.add(pool.name);
    requireLegal(pool.allowedUnsafeSysctls, `pool ${pool.name}`, version);
  }
  const image = options.nodeImage ? { image: options.nodeImage } : {};
  const common = options.extraKubeletArgs ?? {};
  const controlPlane: KindNode = {
    role: 'control-plane',
    ...image,
    ...(Object.keys(common).length > 0 ? { kubeadmConfigPatches: [kindNodePatch('init', common)] } : {}),
  };
  const workers: KindNode[] = options.pools.map((pool) => ({
    role: 'worker',
    ...image,
    kubeadmConfigPatches: [kindNodePatch('join', {
      ...common,
      ...(pool.extraKubeletArgs ?? {}),
      'node-labels': Object.entries({ ...(pool.labels ?? {}), [POOL_LABEL]: pool.name }).map(([key, value]) => `${key}=${value}`).join(','),
      ...allowlistKubeletArgs(pool.allowedUnsafeSysctls),
    })],
  }));
  const cgroupPatch = options.allowCgroupV1 && atLeast(version, '1.35')
    ? [stringify({ kind: 'KubeletConfiguration', failCgroupV1: false })]
    : [];
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    ...(options.name ? { name: options.name } : {}),
    nodes: [controlPlane, ...workers],
    ...(cgroupPatch.length > 0 ? { kubeadmConfigPatches: cgroupPatch } : {}),
  };
}

function requireLegal(patterns: readonly string[], where?: string, version?: MinorVersion): void {
  const { errors } = buildAllowlist(patterns, ...(version ? [version] : []));
  const first = errors[0];
  if (!first) return;
  throw new UserError(`illegal allowed-unsafe-sysctls pattern ${JSON.stringify(first.pattern)}: the kubelet would not start: ${kubeletStartupFailure(first, ...(version ? [version] : []))}`, {
    ...(where ? { where } : {}),
    fix: `allow only names or trailing-* prefixes inside ${namespacedGroupsFor(version ?? parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!).join(', ')}`,
  });
}

import { z } from 'zod';

/**
 * Shapes of the rollout artifacts, as their consumers (kubelet, kind, the OpenShift Machine Config
 * Operator) accept them. Strict where we generate, so a typo in our generator fails a test.
 */

export const KubeletConfigurationSchema = z.strictObject({
  apiVersion: z.literal('kubelet.config.k8s.io/v1beta1'),
  kind: z.literal('KubeletConfiguration'),
  allowedUnsafeSysctls: z.array(z.string().min(1)).optional(),
  failCgroupV1: z.boolean().optional(),
});
export type KubeletConfiguration = z.infer<typeof KubeletConfigurationSchema>;

/** kind's per-node or cluster-wide kubeadm patches are YAML documents held as strings. */
const KubeadmPatchText = z.string().min(1);

export const KindNodeSchema = z.strictObject({
  role: z.enum(['control-plane', 'worker']),
  image: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  kubeadmConfigPatches: z.array(KubeadmPatchText).optional(),
});

export const KindClusterSchema = z.strictObject({
  kind: z.literal('Cluster'),
  apiVersion: z.literal('kind.x-k8s.io/v1alpha4'),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(),
  nodes: z.array(KindNodeSchema).min(1),
  kubeadmConfigPatches: z.array(KubeadmPatchText).optional(),
});
export type KindCluster = z.infer<typeof KindClusterSchema>;
export type KindNode = z.infer<typeof KindNodeSchema>;

/** The parsed content of one kind kubeadm patch that sets kubelet flags on a node. */
export const NodeRegistrationPatchSchema = z.strictObject({
  kind: z.enum(['InitConfiguration', 'JoinConfiguration']),
  nodeRegistration: z.strictObject({
    kubeletExtraArgs: z.record(z.string(), z.string()),
  }),
});

/** The parsed content of a cluster-wide KubeletConfiguration patch (kind merges it; apiVersion optional). */
export const KubeletConfigurationPatchSchema = z.strictObject({
  kind: z.literal('KubeletConfiguration'),
  allowedUnsafeSysctls: z.array(z.string()).optional(),
  failCgroupV1: z.boolean().optional(),
});

export const OpenShiftKubeletConfigSchema = z.strictObject({
  apiVersion: z.literal('machineconfiguration.openshift.io/v1'),
  kind: z.literal('KubeletConfig'),
  metadata: z.strictObject({ name: z.string().min(1) }),
  spec: z.strictObject({
    machineConfigPoolSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
    kubeletConfig: z.strictObject({ allowedUnsafeSysctls: z.array(z.string().min(1)).min(1) }),
  }),
});
export type OpenShiftKubeletConfig = z.infer<typeof OpenShiftKubeletConfigSchema>;

import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import {
  kindClusterConfig, kindClusterWidePatch, kindNodePatch, kubeletConfiguration, kubeletExtraArgsLine, openshiftKubeletConfig,
} from '../../../harness/policy/rollout.js';
import {
  KindClusterSchema, KubeletConfigurationPatchSchema, KubeletConfigurationSchema, NodeRegistrationPatchSchema, OpenShiftKubeletConfigSchema,
} from '../../../harness/policy/rollout-schemas.js';
import { parseKubeletSettings } from '../../../harness/policy/node-settings.js';

const SEED = ['kernel.msg*', 'kernel.shm*', 'kernel.sem', 'fs.mqueue.*', 'net.*'];

describe('rollout artifacts', () => {
  it('writes the seed article\'s /etc/sysconfig/kubelet line exactly', () => {
    expect(kubeletExtraArgsLine(SEED)).toBe('KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*"');
  });

  it('round-trips the drop-in line through the reader', () => {
    expect(parseKubeletSettings(kubeletExtraArgsLine(SEED), 'x').patterns).toEqual(SEED);
  });

  it('writes a KubeletConfiguration', () => {
    const config = kubeletConfiguration(SEED);
    expect(KubeletConfigurationSchema.parse(config)).toEqual(config);
    expect(config.allowedUnsafeSysctls).toEqual(SEED);
  });

  it('writes a cluster-wide kind patch', () => {
    const patch = parse(kindClusterWidePatch(['net.*']));
    expect(KubeletConfigurationPatchSchema.parse(patch)).toEqual({ kind: 'KubeletConfiguration', allowedUnsafeSysctls: ['net.*'] });
  });

  it.each([['init', 'InitConfiguration'], ['join', 'JoinConfiguration']] as const)('writes a per-node %s patch', (role, kind) => {
    const patch = parse(kindNodePatch(role, { 'allowed-unsafe-sysctls': 'net.*' }));
    expect(NodeRegistrationPatchSchema.parse(patch)).toEqual({ kind, nodeRegistration: { kubeletExtraArgs: { 'allowed-unsafe-sysctls': 'net.*' } } });
  });

  it('writes the seed article\'s OpenShift KubeletConfig', () => {
    const cr = openshiftKubeletConfig(['kernel.msgmax', 'kernel.msgmnb']);
    expect(OpenShiftKubeletConfigSchema.parse(cr)).toEqual({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'KubeletConfig',
      metadata: { name: 'custom-kubelet' },
      spec: {
        machineConfigPoolSelector: { matchLabels: { 'custom-kubelet': 'sysctl' } },
        kubeletConfig: { allowedUnsafeSysctls: ['kernel.msgmax', 'kernel.msgmnb'] },
      },
    });
  });

  it.each([
    () => kubeletExtraArgsLine(['kernel.*']),
    () => kubeletConfiguration(['vm.swappiness']),
    () => kindClusterWidePatch(['net*']),
    () => openshiftKubeletConfig(['kernel.panic']),
  ])('refuses an allowlist the kubelet would refuse (%#)', (make) => {
    expect(make).toThrow(UserError);
    expect(make).toThrow(/kubelet would not start/);
  });
});

describe('kindClusterConfig', () => {
  const pools = [
    { name: 'net-allowed', allowedUnsafeSysctls: ['net.*'] },
    { name: 'strict', allowedUnsafeSysctls: [] },
  ];

  it('builds one control plane and one labelled, allowlisted worker per pool', () => {
    const cluster = KindClusterSchema.parse(kindClusterConfig({ name: 'sb', kubernetesVersion: '1.34', nodeImage: 'kindest/node:v1.34.0', pools }));
    expect(cluster.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(cluster.nodes.every((n) => n.image === 'kindest/node:v1.34.0')).toBe(true);
    const patches = cluster.nodes.slice(1).map((n) => NodeRegistrationPatchSchema.parse(parse(n.kubeadmConfigPatches![0]!)));
    expect(patches[0]).toEqual({
      kind: 'JoinConfiguration',
      nodeRegistration: { kubeletExtraArgs: { 'node-labels': 'sysctl-bench/pool=net-allowed', 'allowed-unsafe-sysctls': 'net.*' } },
    });
    expect(patches[1]?.nodeRegistration.kubeletExtraArgs).toEqual({ 'node-labels': 'sysctl-bench/pool=strict' });
    expect(cluster.kubeadmConfigPatches).toBeUndefined();
  });

  it('adds failCgroupV1: false only from 1.35 and only when asked', () => {
    const at = (version: string, allowCgroupV1: boolean) => kindClusterConfig({ kubernetesVersion: version, pools, allowCgroupV1 }).kubeadmConfigPatches;
    expect(at('1.34', true)).toBeUndefined();
    expect(at('1.35', false)).toBeUndefined();
    const patches = at('1.35', true)!;
    expect(KubeletConfigurationPatchSchema.parse(parse(patches[0]!))).toEqual({ kind: 'KubeletConfiguration', failCgroupV1: false });
  });

  it('passes extra kubelet args to every node, pool args to its worker', () => {
    const cluster = kindClusterConfig({
      kubernetesVersion: '1.34',
      pools: [{ name: 'p', allowedUnsafeSysctls: ['kernel.sem'], extraKubeletArgs: { 'max-pods': '50' } }],
      extraKubeletArgs: { v: '2' },
    });
    expect(NodeRegistrationPatchSchema.parse(parse(cluster.nodes[0]!.kubeadmConfigPatches![0]!))).toEqual({
      kind: 'InitConfiguration', nodeRegistration: { kubeletExtraArgs: { v: '2' } },
    });
    expect(NodeRegistrationPatchSchema.parse(parse(cluster.nodes[1]!.kubeadmConfigPatches![0]!)).nodeRegistration.kubeletExtraArgs).toEqual({
      v: '2', 'max-pods': '50', 'node-labels': 'sysctl-bench/pool=p', 'allowed-unsafe-sysctls': 'kernel.sem',
    });
  });

  it('refuses duplicate pools, no pools, a bad version and an illegal allowlist', () => {
    expect(() => kindClusterConfig({ kubernetesVersion: '1.34', pools: [pools[0]!, pools[0]!] })).toThrow(/listed twice/);
    expect(() => kindClusterConfig({ kubernetesVersion: '1.34', pools: [] })).toThrow(/at least one/);
    expect(() => kindClusterConfig({ kubernetesVersion: 'latest', pools })).toThrow(/not a Kubernetes version/);
    expect(() => kindClusterConfig({ kubernetesVersion: '1.34', pools: [{ name: 'x', allowedUnsafeSysctls: ['kernel.*'] }] })).toThrow(/pool x|kubelet would not start/);
  });
});

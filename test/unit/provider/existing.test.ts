import type { V1Namespace, V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseConfigz } from '../../../harness/provider/existing/configz.js';
import { minorOf, nodeFacts, nodesOfPool, poolFacts } from '../../../harness/provider/existing/pools.js';
import { annotations, heartbeatStaleMs, isAbandoned, namespaceObject } from '../../../harness/provider/namespace.js';
import type { NodeFacts } from '../../../harness/provider/types.js';

const pool = { name: 'tuned', allowedUnsafeSysctls: ['net.*'], nodeSelector: { 'example.com/pool': 'tuned' } };
const selector = { 'example.com/pool': 'tuned' };
const node = (name: string, allowedUnsafeSysctls: string[], source: NodeFacts['source'] = 'configz'): NodeFacts => ({ name, pool: 'tuned', allowedUnsafeSysctls, source, ...(source === 'declared' ? { unreadable: 'no permission to read the kubelet\'s configuration (get nodes/proxy): forbidden' } : {}) });

describe('configz', () => {
  it('reads allowedUnsafeSysctls from the live kubelet configuration', () => {
    expect(parseConfigz('{"kubeletconfig":{"allowedUnsafeSysctls":["net.*","kernel.msg*"],"maxPods":110}}')).toMatchObject({ ok: true, allowedUnsafeSysctls: ['net.*', 'kernel.msg*'] });
    expect(parseConfigz({ kubeletconfig: { maxPods: 110 } })).toMatchObject({ ok: true, allowedUnsafeSysctls: [] });
  });

  it('says what is wrong with a body it cannot use', () => {
    expect(parseConfigz('<html>')).toMatchObject({ ok: false, forbidden: false });
    expect(parseConfigz({ kubelet: {} })).toMatchObject({ ok: false, reason: 'configz has no kubeletconfig object' });
    expect(parseConfigz({ kubeletconfig: { allowedUnsafeSysctls: 'net.*' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/not a list/) });
  });
});

describe('pools of an existing cluster', () => {
  it('uses what the kubelets allow when they agree with each other and with the scenario', () => {
    const facts = poolFacts(pool, selector, [node('b', ['net.*']), node('a', ['net.*'])]);
    expect(facts).toMatchObject({ allowedUnsafeSysctls: ['net.*'], source: 'configz', findings: [] });
    expect(facts.nodes.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(facts.pinnedNodes).toBeUndefined();
  });

  it('reports a pool whose kubelets allow other than the scenario declares, and predicts from the kubelets', () => {
    const facts = poolFacts(pool, selector, [node('a', [])]);
    expect(facts.allowedUnsafeSysctls).toEqual([]);
    expect(facts.findings).toEqual(['pool tuned declares allowedUnsafeSysctls net.*; its kubelets allow (none): predictions use what the kubelets allow']);
  });

  it('reports nodes that disagree, predicts for the larger group and pins the workloads to it', () => {
    const facts = poolFacts(pool, selector, [node('a', ['net.*']), node('b', ['net.core.somaxconn']), node('c', ['net.*'])]);
    expect(facts.allowedUnsafeSysctls).toEqual(['net.*']);
    expect(facts.pinnedNodes).toEqual(['a', 'c']);
    expect(facts.findings[0]).toBe('the nodes of pool tuned disagree (a, c: net.*; b: net.core.somaxconn); predictions use net.* and its workloads run only on a, c');
  });

  it('without nodes/proxy permission falls back to the declaration, marked declared, not observed', () => {
    const facts = poolFacts(pool, selector, [node('a', ['net.*'], 'declared')]);
    expect(facts).toMatchObject({ source: 'declared', allowedUnsafeSysctls: ['net.*'] });
    expect(facts.findings[0]).toMatch(/could not be read \(no permission .*get nodes\/proxy.*\); the scenario's declaration is used for it: declared, not observed/);
  });

  it('pins to the nodes that were read when some could not be', () => {
    const facts = poolFacts(pool, selector, [node('a', ['net.*']), node('b', ['net.*'], 'declared')]);
    expect(facts).toMatchObject({ source: 'configz', pinnedNodes: ['a'] });
  });

  it('selects nodes by labels and keeps what the API server says of them', () => {
    const nodes: V1Node[] = [
      { metadata: { name: 'a', labels: { 'example.com/pool': 'tuned' } }, status: { nodeInfo: { kernelVersion: '6.8.0', kubeletVersion: 'v1.37.2', containerRuntimeVersion: 'containerd://1.7', osImage: 'Debian', architecture: 'amd64', bootID: '', kubeProxyVersion: '', machineID: '', operatingSystem: 'linux', systemUUID: '' } } },
      { metadata: { name: 'b', labels: { 'example.com/pool': 'strict' } } },
    ];
    expect(nodesOfPool(nodes, selector).map((entry) => entry.metadata?.name)).toEqual(['a']);
    expect(nodeFacts(pool, nodes[0]!, { ok: true, allowedUnsafeSysctls: ['net.*'], config: {} })).toMatchObject({ kernel: '6.8.0', kubeletVersion: 'v1.37.2', source: 'configz' });
    expect(minorOf('v1.37.2-gke.1')).toBe('1.37');
  });
});

describe('the run namespace', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const namespace = (beat: string, host = 'other', pid = '1'): V1Namespace => ({ metadata: { name: 'x', annotations: { [annotations.heartbeat]: beat, [annotations.host]: host, [annotations.pid]: pid } } });
  const self = { host: 'me', alive: (pid: number) => pid === 42 };

  it('is labelled with the run and may hold privileged node agents', () => {
    const object = namespaceObject('sysctl-bench-ab12', '20261202-100000-net-backlog-ab12', now);
    expect(object.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'sysctl-bench', 'sysctl-bench/run': '20261202-100000-net-backlog-ab12', 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  it('is left alone while its run beats, and removed once the beat stops or its process on this machine is gone', () => {
    expect(isAbandoned(namespace(new Date(now.getTime() - 10_000).toISOString()), now, self)).toBe(false);
    expect(isAbandoned(namespace(new Date(now.getTime() - heartbeatStaleMs - 1).toISOString()), now, self)).toBe(true);
    expect(isAbandoned(namespace(now.toISOString(), 'me', '7'), now, self)).toBe(true);
    expect(isAbandoned(namespace(now.toISOString(), 'me', '42'), now, self)).toBe(false);
    expect(isAbandoned({ metadata: { deletionTimestamp: now } }, now, self)).toBe(false);
  });
});

describe('validate --kubeconfig', () => {
  it('groups nodes by the allowlist their kubelets report, with the labels they share', async () => {
    const { groupNodes, liveValidationExitCode } = await import('../../../harness/provider/existing/live-validate.js');
    const labelled = (name: string, pool: string): V1Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, 'example.com/pool': pool, zone: 'a' } } });
    const groups = groupNodes([
      { node: labelled('w2', 'tuned'), read: { ok: true, allowedUnsafeSysctls: ['net.*'], config: {} } },
      { node: labelled('w1', 'strict'), read: { ok: true, allowedUnsafeSysctls: [], config: {} } },
      { node: labelled('w3', 'tuned'), read: { ok: true, allowedUnsafeSysctls: ['net.*'], config: {} } },
      { node: labelled('cp', 'none'), read: { ok: false, forbidden: true, reason: 'no permission' } },
    ]);
    expect(groups.map((group) => [group.nodes, group.allowedUnsafeSysctls, group.source, group.labels])).toEqual([
      [['cp'], [], 'unreadable', { 'example.com/pool': 'none', zone: 'a' }],
      [['w1'], [], 'configz', { 'example.com/pool': 'strict', zone: 'a' }],
      [['w2', 'w3'], ['net.*'], 'configz', { 'example.com/pool': 'tuned', zone: 'a' }],
    ]);
    const report = (admitted: boolean) => ({ errors: [], workloads: [{ admitted }] }) as never;
    const cluster = { server: 's', context: 'c', kubernetesVersion: 'v1.37.2', modelVersion: '1.37' };
    expect(liveValidationExitCode({ schemaVersion: 1, cluster, findings: [], groups: [{ ...groups[1]!, report: report(false) }, { ...groups[2]!, report: report(true) }] })).toBe(0);
    expect(liveValidationExitCode({ schemaVersion: 1, cluster, findings: [], groups: [{ ...groups[1]!, report: report(false) }] })).toBe(1);
    expect(liveValidationExitCode({ schemaVersion: 1, cluster, findings: [], groups: [groups[0]!] })).toBe(2);
  });
});

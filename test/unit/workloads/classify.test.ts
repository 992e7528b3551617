import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyPods } from '../../../harness/workloads/classify.js';
import { objectName, envName } from '../../../harness/workloads/spec.js';
import { podTemplate } from '../../../harness/workloads/manifest.js';

const pod = (name: string, status: V1Pod['status']): V1Pod => ({ metadata: { name }, status });
const event = (name: string, reason: string, message: string): CoreV1Event => ({
  metadata: {}, involvedObject: { name }, reason, message, type: 'Warning',
});

describe('classifyPods', () => {
  it('reports a kubelet rejection with its own reason and message', () => {
    const observed = classifyPods([
      pod('web-1', { phase: 'Failed', reason: 'SysctlForbidden', message: 'Pod was rejected: forbidden sysctl: "net.core.somaxconn" not allowlisted' }),
    ], []);
    expect(observed.outcome).toBe('forbidden');
    expect(observed.reason).toBe('SysctlForbidden');
    expect(observed.message).toContain('not allowlisted');
  });

  it('reports a sysctl the kernel lacks as unsupported, from the sandbox event', () => {
    const observed = classifyPods([pod('web-1', { phase: 'Pending' })], [
      event('web-1', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: ... write sysctl key net.ipv4.tcp_nope: open /proc/sys/net/ipv4/tcp_nope: no such file or directory'),
    ]);
    expect(observed.outcome).toBe('unsupported');
    expect(observed.podPhase).toBe('Pending');
  });

  it('reports a Pod Security refusal from the controller: no pod exists, the ReplicaSet cannot create one', () => {
    const observed = classifyPods([], [{
      metadata: {}, involvedObject: { name: 'web-idle-5d8f9c', kind: 'ReplicaSet' }, type: 'Warning', reason: 'FailedCreate',
      message: 'Error creating: pods "web-idle-5d8f9c-x2v" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_slow_start_after_idle)',
    }]);
    expect(observed.outcome).toBe('pod-security-forbidden');
    expect(observed.message).toMatch(/violates PodSecurity "baseline:latest"/);
  });

  it('is admitted only when every pod runs and is ready', () => {
    const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    expect(classifyPods([pod('a', ready), pod('b', ready)], []).outcome).toBe('admitted');
    expect(classifyPods([pod('a', ready), pod('b', { phase: 'Pending' })], []).outcome).toBe('pending');
    expect(classifyPods([], []).outcome).toBe('pending');
  });

  it('is not admitted from the pods that happen to exist: as many as the workload asks for must run', () => {
    const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    expect(classifyPods([pod('a', ready)], [], 2).outcome).toBe('pending');
    expect(classifyPods([pod('a', ready), pod('b', ready)], [], 2).outcome).toBe('admitted');
  });

  it('keeps only warning events, so the report shows what went wrong', () => {
    const normal: CoreV1Event = { metadata: {}, involvedObject: { name: 'a' }, reason: 'Scheduled', message: 'ok', type: 'Normal' };
    const observed = classifyPods([pod('a', { phase: 'Pending' })], [normal, event('a', 'FailedScheduling', 'no nodes')]);
    expect(observed.events).toEqual(['a: FailedScheduling: no nodes']);
  });
});

describe('workload manifests', () => {
  it('makes DNS-1123 names of at most 63 characters, stable for the same parts', () => {
    const long = objectName('a-very-long-workload-name', 'a-very-long-variant-name', 'a-pool-with-a-long-name', 'x');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(objectName('a-very-long-workload-name', 'a-very-long-variant-name', 'a-pool-with-a-long-name', 'x')).toBe(long);
    expect(objectName('Web', 'tuned', 'net.allowed')).toBe('web-tuned-net-allowed');
  });

  it('turns settings into environment names', () => {
    expect(envName('acceptRate')).toBe('ACCEPT_RATE');
    expect(envName('backlog')).toBe('BACKLOG');
  });

  it('pins the pod to its pool, never pulls, and keeps ipc pods idle between exec runs', () => {
    const template = podTemplate({
      name: 'ipc-tuned-allowed', workload: 'ipc', variant: 'tuned', pool: 'allowed', kind: 'Deployment', app: 'ipc-bench',
      image: 'sysctl-bench/ipc-bench:x', imagePullPolicy: 'Never', replicas: 1, sysctls: { 'kernel.msgmax': '65536' }, settings: {},
      nodeSelector: { 'sysctl-bench/pool': 'allowed' }, serviceType: 'NodePort',
    });
    expect(template.spec?.nodeSelector).toEqual({ 'sysctl-bench/pool': 'allowed' });
    expect(template.spec?.securityContext?.sysctls).toEqual([{ name: 'kernel.msgmax', value: '65536' }]);
    const container = template.spec?.containers[0];
    expect(container?.imagePullPolicy).toBe('Never');
    expect(container?.command).toEqual(['sleep', '86400']);
  });
});

import { describe, expect, it } from 'vitest';
import { predictAdmission, type NodeSettings, type PodSettings } from '../../../harness/policy/admission.js';
import {
  effectivePolicyVersion, evaluatePodSecurity, parsePodSecurityOption, podSecurityFromLabels, podSecurityNamespaceLabels, podSecuritySysctls,
  type PodSecurityPolicy,
} from '../../../harness/policy/pod-security.js';
import { outcomeOfPrediction } from '../../../harness/policy/scenario-predictions.js';
import { parseMinorVersion } from '../../../harness/policy/versions.js';

/**
 * Pod Security Admission, from k8s.io/pod-security-admission v0.22.17 to v0.37.2:
 * policy/check_sysctls.go (the allowed list by policy version), policy/check_hostNamespaces.go,
 * policy/registry.go (check order, version clamp), api/helpers.go (labels, defaults) and
 * admission/admission.go (messages; pods enforced, controllers only warned).
 * The messages were also compared with a v1.37.2 kube-apiserver and kube-controller-manager run
 * locally (Pod 403, Deployment warning, ReplicaSet and StatefulSet FailedCreate events, labels).
 */
const v = (text: string) => parseMinorVersion(text)!;
const labels = (entries: Record<string, string>) => new Map(Object.entries(entries));
const policy = (entries: Record<string, string>): PodSecurityPolicy => podSecurityFromLabels(labels(entries)).policy;
const BASELINE = policy({ 'pod-security.kubernetes.io/enforce': 'baseline' });
const node = (version = '1.37', allowed: string[] = []): NodeSettings => ({ allowedUnsafeSysctls: allowed, kubernetesVersion: version });
const pod = (kind: string, name: string, extra: Partial<PodSettings> = {}): PodSettings => ({
  object: { kind, name, podSpecPath: kind === 'Pod' ? 'spec' : 'spec.template.spec', ...(kind === 'Pod' ? { file: 'pod.yaml' } : {}) }, podSecurity: BASELINE, ...extra,
});

describe('the sysctls PSA allows, by policy version (check_sysctls.go)', () => {
  it.each([
    ['v1.0', 5], ['v1.26', 5], ['v1.27', 6], ['v1.28', 6], ['v1.29', 10], ['v1.31', 10], ['v1.32', 12], ['v1.36', 12], ['v1.37', 14],
  ])('%s allows %i names', (version, count) => {
    expect(podSecuritySysctls(effectivePolicyVersion(version, v('1.37'))).size).toBe(count);
  });

  it('grows the way the issue lists: reserved ports 1.27, keepalive and fin_timeout 1.29, rmem/wmem 1.32, slow start and notsent_lowat 1.37', () => {
    const at = (version: string) => podSecuritySysctls(v(version));
    expect(at('1.27').has('net.ipv4.ip_local_reserved_ports') && !at('1.26').has('net.ipv4.ip_local_reserved_ports')).toBe(true);
    expect(at('1.29').has('net.ipv4.tcp_fin_timeout') && !at('1.28').has('net.ipv4.tcp_keepalive_time')).toBe(true);
    expect(at('1.32').has('net.ipv4.tcp_wmem') && !at('1.31').has('net.ipv4.tcp_rmem')).toBe(true);
    expect(at('1.37').has('net.ipv4.tcp_notsent_lowat') && !at('1.36').has('net.ipv4.tcp_slow_start_after_idle')).toBe(true);
    expect(at('1.0').has('net.ipv4.ip_unprivileged_port_start')).toBe(true);
  });

  it('runs "latest" as the API server\'s own version and clamps a newer label to it (registry.go EvaluatePod)', () => {
    expect(effectivePolicyVersion('latest', v('1.36'))).toEqual(v('1.36'));
    expect(effectivePolicyVersion('v1.40', v('1.36'))).toEqual(v('1.36'));
    expect(effectivePolicyVersion('v1.27', v('1.36'))).toEqual(v('1.27'));
  });

  it('is not the kubelet\'s list: an allowlisted unsafe sysctl is still refused', () => {
    const result = predictAdmission([{ name: 'net.core.somaxconn', value: '4096' }], node('1.37', ['net.*']), pod('Pod', 'web'));
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'api-server', reason: 'Forbidden' });
    expect(outcomeOfPrediction(result)).toBe('pod-security-forbidden');
  });

  it('compares names as written: a slash-form safe sysctl is forbidden', () => {
    expect(evaluatePodSecurity(BASELINE.enforce, v('1.37'), { sysctlNames: ['net/ipv4/ip_local_port_range'] }).forbiddenSysctls).toEqual(['net/ipv4/ip_local_port_range']);
  });
});

describe('refusal messages (admission/admission.go, response.go, controller_utils.go, stateful_pod_control.go)', () => {
  it('refuses a Pod with 403 Forbidden, listing host namespaces before sysctls', () => {
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '65536' }, { name: 'kernel.sem', value: '1 2 3 4' }], node('1.37', ['kernel.msg*', 'kernel.sem']), pod('Pod', 'ipc', { hostNetwork: true }));
    expect(result.message).toBe('pods "ipc" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), forbidden sysctls (kernel.msgmax, kernel.sem)');
    expect(result.kubectlMessage).toBe('Error from server (Forbidden): error when creating "pod.yaml": pods "ipc" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), forbidden sysctls (kernel.msgmax, kernel.sem)');
    expect(result.warnings).toEqual([]);
    expect(result.sysctls.map((s) => [s.verdict, s.reason])).toEqual([['forbidden', 'PodSecurity'], ['forbidden', 'PodSecurity']]);
  });

  it('prints the enforce-version label as written', () => {
    const versioned = policy({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.37' });
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '1' }], node(), pod('Pod', 'x', { podSecurity: versioned }));
    expect(result.message).toBe('pods "x" is forbidden: violates PodSecurity "baseline:v1.37": forbidden sysctls (kernel.msgmax)');
  });

  it('admits a Deployment with a warning; its ReplicaSet\'s pod creations fail with FailedCreate', () => {
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '65536' }], node('1.37', ['kernel.msg*']), pod('Deployment', 'web'));
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'api-server', reason: 'Forbidden' });
    expect(result.warnings).toEqual(['would violate PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)']);
    expect(result.events).toEqual([{
      involvedObject: 'ReplicaSet web-<pod-template-hash>', type: 'Warning', reason: 'FailedCreate',
      message: 'Error creating: pods "web-<pod-template-hash>-<suffix>" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)',
    }]);
    expect(result.kubectlMessage).toBeUndefined();
    expect(result.podSecurity?.rolloutNote).toContain('a kubelet allowlist cannot fix that');
  });

  it('uses the StatefulSet controller\'s own event wording', () => {
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '1' }], node(), pod('StatefulSet', 'db'));
    expect(result.events?.[0]).toMatchObject({
      involvedObject: 'StatefulSet db', reason: 'FailedCreate',
      message: 'Create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)',
    });
  });

  it('admits a safe sysctl and passes on to the kubelet', () => {
    const result = predictAdmission([{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }], node(), pod('Pod', 'ok'));
    expect(result.admitted).toBe(true);
  });

  it('comes after API validation: an invalid name is Invalid, not Forbidden', () => {
    expect(predictAdmission([{ name: 'foo-', value: '1' }], node(), pod('Pod', 'x')).reason).toBe('Invalid');
  });

  it('is off by default on 1.22 (PodSecurity gate alpha), with a warning', () => {
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '1' }], node('1.22', ['kernel.msgmax']), pod('Pod', 'x'));
    expect(result.admitted).toBe(true);
    expect(result.warnings[0]).toContain('off by default in Kubernetes 1.22');
  });
});

describe('namespace labels (api/helpers.go PolicyToEvaluate)', () => {
  it('defaults everything to privileged:latest', () => {
    expect(policy({})).toEqual({ enforce: { level: 'privileged', version: 'latest' }, warn: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' } });
  });

  it('defaults warn to a stricter enforce, version included', () => {
    const p = policy({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30' });
    expect(p.warn).toEqual({ level: 'restricted', version: 'v1.30' });
    expect(policy({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'privileged' }).warn.level).toBe('privileged');
  });

  it('turns warn and audit into warnings, never refusals', () => {
    const p = policy({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted' });
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '1' }], node('1.37', ['kernel.msgmax']), { podSecurity: p });
    expect(result.admitted).toBe(true);
    expect(result.warnings).toEqual([
      'would violate PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)',
      'audit log: would violate PodSecurity "restricted:latest": forbidden sysctls (kernel.msgmax)',
    ]);
  });

  it('fails closed on a bad enforce level and open on a bad warn level, and says the Namespace is refused', () => {
    const { policy: p, errors } = podSecurityFromLabels(labels({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/enforce-version': '1.37' }));
    expect(p.enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(p.warn.level).toBe('privileged');
    expect(errors.map((e) => e.message)).toEqual([
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.37": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted',
    ]);
  });

  it('reads --pod-security LEVEL[:VERSION] and writes a scenario\'s labels', () => {
    expect(parsePodSecurityOption('baseline:v1.30')).toEqual({ labels: labels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' }) });
    expect(parsePodSecurityOption('strict')).toHaveProperty('error');
    expect(parsePodSecurityOption('baseline:1.30')).toHaveProperty('error');
    expect(podSecurityNamespaceLabels({ enforce: 'baseline', warn: 'restricted', warnVersion: 'latest' })).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest',
    });
  });
});

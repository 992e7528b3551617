import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../harness/plan/plan.js';
import {
  predictScenario, scenarioKubeletEnforcedWarnings, scenarioNamespaceLabels, scenarioPodSecurityNotes,
} from '../../../harness/policy/scenario-predictions.js';
import { parseScenario } from '../../../harness/scenario/load.js';

const scenario = (spec: string) => parseScenario(`apiVersion: sysctl-bench/v1\nkind: Scenario\nmetadata: { name: t }\nspec:\n${spec}`, 's.yaml');
const WORKLOADS = `  pools:
    - name: strict
  workloads:
    - name: web
      kind: Deployment
      app: net-server
      pool: strict
      variants:
        - name: baseline
        - name: idle
          sysctls: { net.ipv4.tcp_slow_start_after_idle: "0" }
`;

describe('a version matrix (issue 10: one sysctl on both sides of a boundary)', () => {
  it('predicts forbidden on 1.36 and admitted on 1.37 for the sysctl 1.37 made safe', () => {
    const predictions = predictScenario(scenario(`  kubernetesVersion: ["1.36", "1.37"]\n${WORKLOADS}`));
    expect(predictions.map((p) => [p.kubernetesVersion, p.variant, p.outcome])).toEqual([
      ['1.36', 'baseline', 'admitted'], ['1.36', 'idle', 'forbidden'],
      ['1.37', 'baseline', 'admitted'], ['1.37', 'idle', 'admitted'],
    ]);
  });
});

describe('Pod Security in a scenario (issue 10 Deliver 2)', () => {
  const psa = scenario(`  kubernetesVersion: "1.36"\n  podSecurity: { enforce: baseline }\n${WORKLOADS.replace('    - name: strict', '    - name: strict\n      allowedUnsafeSysctls: ["net.*"]')}`);

  it('labels the namespace and predicts the refusal, though the kubelet allows the sysctl', () => {
    expect(scenarioNamespaceLabels(psa)).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    const idle = predictScenario(psa).find((p) => p.variant === 'idle')!;
    expect(idle.outcome).toBe('pod-security-forbidden');
    expect(idle.prediction.message).toBe('pods "web-<pod-template-hash>-<suffix>" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (net.ipv4.tcp_slow_start_after_idle)');
    expect(idle.prediction.events?.[0]?.reason).toBe('FailedCreate');
  });

  it('puts the outcome in the plan', () => {
    const plan = buildPlan(psa, { images: { 'net-server': 'n', 'ipc-bench': 'i', gateway: 'g', pullPolicy: 'Never' }, clusterName: () => 't', serviceType: 'NodePort' });
    expect(plan.deployments.map((d) => [d.variant, d.expected])).toEqual([['baseline', 'admitted'], ['idle', 'pod-security-forbidden']]);
  });

  it('gives the report\'s rollout note: a kubelet allowlist cannot fix it', () => {
    const [note] = scenarioPodSecurityNotes(psa, 'sysctl-bench');
    expect(note).toContain('Namespace sysctl-bench enforces Pod Security "baseline:latest" (Kubernetes 1.36)');
    expect(note).toContain('a kubelet allowlist cannot fix that');
    expect(scenarioPodSecurityNotes(scenario(WORKLOADS), 'sysctl-bench')).toEqual([]);
  });
});

describe('kubelet-enforced sysctls in a scenario (issue 8 Deliver 3)', () => {
  it('warns where a scenario sets or reads one', () => {
    const spec = WORKLOADS.replace('sysctls: { net.ipv4.tcp_slow_start_after_idle: "0" }', 'sysctls: { vm.overcommit_memory: "0" }')
      + '  isolation:\n    - check: node-level-shared\n      sysctl: kernel.panic\n';
    const warnings = scenarioKubeletEnforcedWarnings(scenario(spec));
    expect(warnings.map((w) => [w.source, w.sysctl])).toEqual([
      ['spec.workloads[0].variants[1].sysctls.vm.overcommit_memory', 'vm.overcommit_memory'],
      ['spec.isolation[0].sysctl', 'kernel.panic'],
    ]);
    expect(warnings[1]?.message).toContain('the kubelet sets kernel.panic=10 on every node it starts on');
  });
});

import type { Scenario } from '../scenario/schema.js';
import { predictAdmission, type AdmissionPrediction } from './admission.js';
import { kubeletEnforcedWarnings, KUBELET_ENFORCED_SYSCTLS, type NodeTuningWarning } from './node-tuning.js';
import { toDotSeparated } from './names.js';
import { podSecurityFromLabels, podSecurityNamespaceLabels, podSecurityRolloutNote, type PodSecurityPolicy } from './pod-security.js';
import { parseMinorVersion } from './versions.js';

/**
 * The model's side of a scenario, for `plan`, the run pipeline and the report: pure functions over
 * the validated scenario. The pipeline decides what to create; these say what Kubernetes will do.
 */

/**
 * What a run observes for a pod template: admitted; refused by the API server's validation
 * (invalid); refused by Pod Security admission at the API server (pod-security-forbidden); failed
 * by the kubelet (forbidden); never started by the runtime (unsupported, or invalid for a value).
 */
export type PredictedOutcome = 'admitted' | 'forbidden' | 'invalid' | 'unsupported' | 'pod-security-forbidden';

export function outcomeOfPrediction(prediction: AdmissionPrediction): PredictedOutcome {
  if (prediction.admitted) return 'admitted';
  switch (prediction.rejectedBy) {
    case 'api-server': return prediction.reason === 'Forbidden' ? 'pod-security-forbidden' : 'invalid';
    case 'kubelet': return 'forbidden';
    case 'runtime': return prediction.sysctls.some((sysctl) => sysctl.verdict === 'unsupported') ? 'unsupported' : 'invalid';
    case undefined: return 'invalid';
    default: {
      const never: never = prediction.rejectedBy;
      return never;
    }
  }
}

/** The scenario namespace's Pod Security policy, or undefined when it sets none. */
export function scenarioPodSecurity(scenario: Scenario): PodSecurityPolicy | undefined {
  const spec = scenario.spec.podSecurity;
  if (!spec) return undefined;
  return podSecurityFromLabels(new Map(Object.entries(podSecurityNamespaceLabels(spec)))).policy;
}

/** The labels the run puts on the scenario's namespace (empty when it sets no Pod Security). */
export function scenarioNamespaceLabels(scenario: Scenario): Record<string, string> {
  return scenario.spec.podSecurity ? podSecurityNamespaceLabels(scenario.spec.podSecurity) : {};
}

export interface ScenarioPrediction {
  readonly kubernetesVersion: string;
  readonly workload: string;
  readonly variant: string;
  readonly pool: string;
  readonly kind: string;
  readonly sysctls: Readonly<Record<string, string>>;
  readonly prediction: AdmissionPrediction;
  readonly outcome: PredictedOutcome;
}

/**
 * The predicted admission of every workload variant on every pool, for every Kubernetes version
 * the scenario lists (a version matrix shows boundaries side by side: a sysctl that 1.37 made safe
 * is forbidden on 1.36 and admitted on 1.37). `kernelSysctls` is the node kernel's inventory.
 */
export function predictScenario(scenario: Scenario, options: { kernelSysctls?: ReadonlySet<string>; namespace?: string } = {}): ScenarioPrediction[] {
  const spec = scenario.spec;
  const podSecurity = scenarioPodSecurity(scenario);
  const out: ScenarioPrediction[] = [];
  for (const kubernetesVersion of spec.kubernetesVersions) {
    for (const workload of spec.workloads) {
      const pools = workload.pool === '*' ? spec.pools : spec.pools.filter((pool) => pool.name === workload.pool);
      for (const pool of pools) {
        for (const variant of workload.variants) {
          const sysctls = Object.fromEntries(Object.entries(variant.sysctls ?? {}).map(([name, value]) => [name, String(value)]));
          const prediction = predictAdmission(
            Object.entries(sysctls).map(([name, value]) => ({ name, value })),
            { allowedUnsafeSysctls: pool.allowedUnsafeSysctls, kubernetesVersion, ...(options.kernelSysctls ? { kernelSysctls: options.kernelSysctls } : {}) },
            {
              ...(workload.hostNetwork !== undefined ? { hostNetwork: workload.hostNetwork } : {}),
              ...(workload.hostIPC !== undefined ? { hostIPC: workload.hostIPC } : {}),
              object: { kind: workload.kind, name: workload.name, podSpecPath: 'spec.template.spec' },
              ...(podSecurity ? { podSecurity } : {}),
              ...(options.namespace ? { namespace: options.namespace } : {}),
            },
          );
          out.push({
            kubernetesVersion, workload: workload.name, variant: variant.name, pool: pool.name, kind: workload.kind, sysctls, prediction,
            outcome: outcomeOfPrediction(prediction),
          });
        }
      }
    }
  }
  return out;
}

/**
 * For the report's rollout section: when the scenario's namespace enforces Pod Security and a
 * prediction is refused by it, what to tell the operator (a kubelet allowlist cannot fix it).
 */
export function scenarioPodSecurityNotes(scenario: Scenario, namespace: string): string[] {
  const policy = scenarioPodSecurity(scenario);
  if (!policy) return [];
  const refusedOn = new Set(predictScenario(scenario, { namespace }).filter((entry) => entry.outcome === 'pod-security-forbidden').map((entry) => entry.kubernetesVersion));
  return [...refusedOn].map((version) => podSecurityRolloutNote(policy, parseMinorVersion(version)!, namespace));
}

/**
 * Sysctls of the scenario that the kubelet sets on every node itself (vm.overcommit_memory, ...):
 * a proposal there is reverted, and a measurement reads the kubelet's value.
 */
export function scenarioKubeletEnforcedWarnings(scenario: Scenario): NodeTuningWarning[] {
  const spec = scenario.spec;
  const settings: Array<{ name: string; value: string; source: string }> = [];
  spec.workloads.forEach((workload, i) => workload.variants.forEach((variant, j) => {
    for (const [name, value] of Object.entries(variant.sysctls ?? {})) settings.push({ name, value: String(value), source: `spec.workloads[${i}].variants[${j}].sysctls.${name}` });
  }));
  (spec.load ?? []).forEach((load, i) => {
    for (const [name, value] of Object.entries(load.clientSysctls ?? {})) settings.push({ name, value: String(value), source: `spec.load[${i}].clientSysctls.${name}` });
    (load.clientVariants ?? []).forEach((variant, j) => {
      for (const [name, value] of Object.entries(variant.sysctls ?? {})) settings.push({ name, value: String(value), source: `spec.load[${i}].clientVariants[${j}].sysctls.${name}` });
    });
  });
  const warnings = kubeletEnforcedWarnings(settings);
  (spec.isolation ?? []).forEach((check, i) => {
    if (check.sysctl === undefined) return;
    const name = toDotSeparated(check.sysctl);
    const imposed = KUBELET_ENFORCED_SYSCTLS.get(name);
    if (imposed === undefined) return;
    warnings.push({
      source: `spec.isolation[${i}].sysctl`, sysctl: name,
      message: `the kubelet sets ${name}=${imposed} on every node it starts on (setupKernelTunables, kubernetes/kubernetes#74151): the check reads the kubelet's value, not the host's`,
    });
  });
  return warnings;
}

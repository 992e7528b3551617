import { stringify } from 'yaml';
import { buildPlan } from '../../plan/plan.js';
import { kubeletConfiguration, kubeletExtraArgsLine, openshiftKubeletConfig, scenarioKubeletEnforcedWarnings, scenarioPodSecurityNotes } from '../../policy/index.js';
import { runNamespace } from '../../provider/namespace.js';
import type { RolloutNote } from '../../results/raw.js';
import type { Scenario } from '../../scenario/schema.js';
import { describeEnvironment } from '../environment.js';
import { need, type Phase } from '../state.js';

/**
 * The pools as their kubelets have them (an existing cluster is read here), then the plan:
 * what will be deployed where, and the admission predicted for each. Recorded as the run's start.
 */
export const planPhase: Phase = {
  name: () => 'plan',
  applies: () => true,
  async run(state) {
    const facts = await state.provider.observe(state.scenario, state.run);
    state.facts = facts;
    for (const pool of facts.pools) {
      const nodes = pool.nodes.length > 0 ? ` (${pool.nodes.map((node) => node.name).join(', ')})` : '';
      state.run.say(`  pool ${pool.pool}${nodes}: ${pool.allowedUnsafeSysctls.join(',') || 'no unsafe sysctls'} [${pool.source}]`);
    }
    const findings = [...facts.findings, ...facts.pools.flatMap((pool) => pool.findings)];
    for (const finding of findings) {
      state.run.say(`  ! ${finding}`);
      await state.run.record({ type: 'note', at: new Date().toISOString(), phase: 'plan', message: finding });
    }
    const images = need(state.images, 'the images');
    const plan = buildPlan(state.scenario, {
      images, clusterName: state.clusterName, facts, serviceType: state.provider.capabilities.containerLoad ? 'NodePort' : 'ClusterIP',
    });
    state.plan = plan;
    if (plan.kubernetesVersions.length > 1) {
      state.run.say(`  admission observed on Kubernetes ${plan.kubernetesVersions.join(', ')}; measurements, proofs and procedures on ${plan.kubernetesVersion}`);
    }
    const rollout = rolloutArtifacts([...new Set(state.scenario.spec.pools.flatMap((pool) => pool.allowedUnsafeSysctls))]);
    const notes = rolloutNotes({ ...state.scenario, spec: { ...state.scenario.spec, kubernetesVersions: plan.kubernetesVersions } }, runNamespace(state.run.shortId));
    for (const note of notes) state.run.say(`  ! ${note.message}`);
    await state.run.record({
      type: 'run-started',
      runId: state.run.runId,
      scenario: { name: state.scenario.metadata.name, file: state.settings.scenarioFile, definition: state.scenario },
      startedAt: new Date().toISOString(),
      environment: describeEnvironment(plan, facts, await state.provider.environment()),
      loadGenerator: { name: 'sysctl-bench loadgen', version: images.loadgen.split(':').at(-1) ?? 'unknown' },
      ...(rollout ? { rollout } : {}),
      ...(notes.length > 0 ? { rolloutNotes: notes } : {}),
      runOptions: state.settings.runOptions,
    });
  },
};

/**
 * What no kubelet allowlist changes, for the report's rollout section: the namespace's Pod Security
 * refusing a sysctl at the API server (per version the run observes), and sysctls the kubelet sets itself.
 */
export function rolloutNotes(scenario: Scenario, namespace: string): RolloutNote[] {
  return [
    ...scenarioPodSecurityNotes(scenario, namespace).map((message) => ({ kind: 'pod-security' as const, message })),
    ...scenarioKubeletEnforcedWarnings(scenario).map((warning) => ({ kind: 'kubelet-enforced' as const, message: warning.message, source: warning.source })),
  ];
}

/** What an operator applies; none when the scenario's tuning needs no kubelet allowance (safe or client-side sysctls). */
function rolloutArtifacts(allowlist: readonly string[]) {
  if (allowlist.length === 0) return undefined;
  return {
    dropIn: kubeletExtraArgsLine(allowlist),
    kubeletConfiguration: stringify(kubeletConfiguration(allowlist)),
    openshiftKubeletConfig: stringify(openshiftKubeletConfig(allowlist)),
  };
}

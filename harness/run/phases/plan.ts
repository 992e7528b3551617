import { stringify } from 'yaml';
import { buildPlan } from '../../plan/plan.js';
import { kubeletConfiguration, kubeletExtraArgsLine, openshiftKubeletConfig } from '../../policy/index.js';
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
    const rollout = rolloutArtifacts([...new Set(state.scenario.spec.pools.flatMap((pool) => pool.allowedUnsafeSysctls))]);
    await state.run.record({
      type: 'run-started',
      runId: state.run.runId,
      scenario: { name: state.scenario.metadata.name, file: state.settings.scenarioFile, definition: state.scenario },
      startedAt: new Date().toISOString(),
      environment: describeEnvironment(plan, facts, await state.provider.environment()),
      loadGenerator: { name: 'sysctl-bench loadgen', version: images.loadgen.split(':').at(-1) ?? 'unknown' },
      ...(rollout ? { rollout } : {}),
      runOptions: state.settings.runOptions,
    });
  },
};

/** What an operator applies; none when the scenario's tuning needs no kubelet allowance (safe or client-side sysctls). */
function rolloutArtifacts(allowlist: readonly string[]) {
  if (allowlist.length === 0) return undefined;
  return {
    dropIn: kubeletExtraArgsLine(allowlist),
    kubeletConfiguration: stringify(kubeletConfiguration(allowlist)),
    openshiftKubeletConfig: stringify(openshiftKubeletConfig(allowlist)),
  };
}

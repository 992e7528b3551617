import type { PlannedDeployment } from '../../plan/plan.js';
import type { ClusterObjects } from '../../provider/types.js';
import type { AdmissionRecord } from '../../results/raw.js';
import { clusterOf, need, type DeployedWorkload, type Phase } from '../state.js';

/** How long an admission may take to show: an admitted pod must start; a rejection shows within seconds. */
const admitTimeoutMs = 240_000;
const rejectTimeoutMs = 90_000;

/**
 * Deploys each planned workload and records predicted against observed admission. Workloads
 * that nothing measures or probes later are removed once observed: a rejected Deployment keeps creating pods.
 */
export const deployPhase: Phase = {
  name: () => 'deploy',
  applies: () => true,
  async run(state) {
    const plan = need(state.plan, 'the plan');
    const deployments = plan.deployments;
    const several = plan.kubernetesVersions.length > 1;
    const deployed: DeployedWorkload[] = [];
    let index = 0;
    for (const deployment of deployments) {
      index += 1;
      const objects = clusterOf(state, deployment.cluster).objects;
      const record = await deployOne(objects, deployment);
      await state.run.record(record);
      const mark = record.match ? '✔' : '✖';
      state.run.say(`  ${mark} [${index}/${deployments.length}] ${deployment.kind} ${deployment.name} on ${deployment.pool}${several ? ` (Kubernetes ${deployment.kubernetesVersion})` : ''}: predicted ${record.predicted.outcome}, observed ${record.observed.outcome}${record.observed.reason ? ` (${record.observed.reason})` : ''}`);
      const admitted = record.observed.outcome === 'admitted';
      if (!deployment.retained || !admitted) await objects.remove(deployment);
      deployed.push({ deployment, admitted });
    }
    state.deployed = deployed;
  },
};

export async function deployOne(objects: ClusterObjects, deployment: PlannedDeployment): Promise<AdmissionRecord> {
  const predicted = {
    outcome: deployment.expected,
    ...(deployment.prediction.reason ? { reason: deployment.prediction.reason } : {}),
    ...(deployment.prediction.message ? { message: deployment.prediction.message } : {}),
  };
  const base = {
    type: 'admission' as const,
    workload: deployment.workload,
    variant: deployment.variant,
    pool: deployment.pool,
    kubernetesVersion: deployment.kubernetesVersion,
    kind: deployment.kind,
    sysctls: deployment.sysctls,
    predicted,
  };
  const applied = await objects.apply(deployment);
  if (!applied.accepted) {
    const observed = { outcome: 'invalid' as const, reason: applied.code === 422 ? 'Invalid' : `HTTP ${applied.code ?? '?'}`, message: applied.message };
    return { ...base, observed, match: predicted.outcome === 'invalid' };
  }
  const observation = await objects.observe(deployment, deployment.expected === 'admitted' ? admitTimeoutMs : rejectTimeoutMs);
  const observed = {
    outcome: observation.outcome,
    ...(observation.reason ? { reason: observation.reason } : {}),
    ...(observation.message ? { message: observation.message } : {}),
    ...(observation.podPhase ? { podPhase: observation.podPhase } : {}),
    ...(observation.events.length > 0 ? { events: observation.events.slice(0, 10) } : {}),
  };
  return { ...base, observed, match: observation.outcome === predicted.outcome };
}

import type { Plan } from '../../plan/plan.js';
import type { Cluster, NodeAccess } from '../../provider/types.js';
import type { IsolationRecord } from '../../results/raw.js';
import { objectName } from '../../workloads/spec.js';
import { poll, sleep } from '../abort.js';
import { applyKubeletExtraArgs, findRefusal, illegalAllowlistLine, kubeletJournal, readSysconfig, runbookLine } from '../kubelet-runbook.js';
import { need, type Phase, type RunState } from '../state.js';

type Procedure = NonNullable<Plan['scenario']['spec']['procedures']>[number];

/**
 * Procedures replayed on a running node, each recorded as a proof with what was seen:
 * - runbook: the seed article's /etc/sysconfig/kubelet steps, then a pod the node refused before is admitted;
 * - illegal-allowlist: a pattern outside the namespaced groups, and the kubelet refusing to start.
 * The node's kubelet settings are put back afterwards and the node must be Ready again. Both
 * restart a kubelet: never on a cluster sysctl-bench did not create (recorded as not run, with why).
 */
export const proceduresPhase: Phase = {
  name: () => 'procedures',
  applies: (state) => (state.scenario.spec.procedures?.length ?? 0) > 0,
  async run(state) {
    const plan = need(state.plan, 'the plan');
    for (const procedure of plan.scenario.spec.procedures ?? []) {
      if (!state.provider.capabilities.kubeletRestart) {
        const message = `not run: procedure ${procedure.kind} on pool ${procedure.pool} restarts a kubelet; sysctl-bench never restarts a kubelet of a cluster it did not create`;
        await state.run.record({ type: 'note', at: new Date().toISOString(), phase: 'procedures', message });
        state.run.say(`  - ${message}`);
        continue;
      }
      const cluster = need(state.clusters, 'the clusters').find((candidate) => candidate.nodes.some((node) => node.pool === procedure.pool));
      const nodeName = cluster?.nodes.find((candidate) => candidate.pool === procedure.pool)?.name;
      if (!cluster || !nodeName) throw new Error(`procedure ${procedure.kind}: no node in pool ${procedure.pool}`);
      const node = await cluster.node(nodeName);
      const original = await readSysconfig(node);
      try {
        const record = procedure.kind === 'runbook'
          ? await runbook(state, cluster, plan, node, procedure)
          : await illegalAllowlist(state, node, procedure);
        await state.run.record(record);
        state.run.say(`  ${record.passed ? '✔' : '✖'} ${record.check} on ${node.name}: ${record.detail}`);
      } finally {
        await applyKubeletExtraArgs(node, original?.trim() || undefined, 5_000, state.run.signal);
        await waitNodeReady(state, cluster, node.name);
      }
    }
  },
};

async function runbook(state: RunState, cluster: Cluster, plan: Plan, node: NodeAccess, procedure: Procedure): Promise<IsolationRecord> {
  const template = plan.deployments.find((deployment) => deployment.workload === procedure.workload
    && (procedure.variant === undefined || deployment.variant === procedure.variant));
  if (!template) throw new Error(`runbook: no workload ${procedure.workload}${procedure.variant ? `/${procedure.variant}` : ''} in the plan`);
  const pool = plan.clusters.flatMap((candidate) => candidate.pools).find((candidate) => candidate.name === procedure.pool);
  const deployment = {
    ...template, name: objectName(template.workload, template.variant, 'runbook'), pool: procedure.pool, retained: false,
    ...(pool ? { nodeSelector: { ...pool.nodeSelector } } : {}),
  };

  const before = await applyAndObserve(state, cluster, deployment);
  const flag = `--allowed-unsafe-sysctls=${procedure.allowedUnsafeSysctls.join(',')}`;
  const restart = await applyKubeletExtraArgs(node, runbookLine(procedure.allowedUnsafeSysctls), 90_000, state.run.signal, flag);
  await waitNodeReady(state, cluster, node.name);
  const flagSeen = restart.commandLine?.includes(flag) ?? false;
  const after = await applyAndObserve(state, cluster, deployment);
  const passed = before.outcome === 'forbidden' && flagSeen && after.outcome === 'admitted';
  state.run.say(`    runbook steps: ${restart.steps.map((entry) => entry.step).join(' → ')}`);
  return {
    type: 'isolation', check: 'runbook-replay', sysctl: Object.keys(deployment.sysctls).join(','), workload: deployment.workload, passed,
    values: [
      { where: `node ${node.name}`, name: 'pod admission', value: `${before.outcome}${before.message ? `: ${before.message}` : ''}`, at: 'before runbook' },
      ...restart.values,
      { where: `node ${node.name}`, name: 'pod admission', value: after.outcome, at: 'after runbook' },
    ],
    detail: passed
      ? `forbidden before; after writing the drop-in, daemon-reload and a kubelet restart the flag is in the process list and the pod is admitted`
      : `before: ${before.outcome}; flag in process list: ${flagSeen}; after: ${after.outcome}${after.message ? ` (${after.message})` : ''}`,
  };
}

async function applyAndObserve(state: RunState, cluster: Cluster, deployment: Plan['deployments'][number]) {
  const applied = await cluster.objects.apply(deployment);
  try {
    if (!applied.accepted) return { outcome: 'invalid' as const, message: applied.message };
    const observed = await cluster.objects.observe(deployment, 120_000);
    return { outcome: observed.outcome, message: observed.message };
  } finally {
    await cluster.objects.remove(deployment);
    await sleep(2_000, state.run.signal);
  }
}

async function illegalAllowlist(state: RunState, node: NodeAccess, procedure: Procedure): Promise<IsolationRecord> {
  const { line, predicted } = illegalAllowlistLine(procedure.allowedUnsafeSysctls);
  const restart = await applyKubeletExtraArgs(node, line, 10_000, state.run.signal);
  const refusal = findRefusal(await kubeletJournal(node), predicted);
  const passed = predicted.length > 0 && !restart.active && refusal !== undefined;
  return {
    type: 'isolation', check: 'illegal-allowlist', sysctl: procedure.allowedUnsafeSysctls.join(','), passed,
    values: [
      ...restart.values,
      { where: `node ${node.name}`, name: 'predicted refusal', value: predicted.join('; ') || '(none: the model finds the list legal)', at: 'before' },
      { where: `node ${node.name}`, name: 'kubelet active', value: String(restart.active), at: 'after restart' },
      { where: `node ${node.name}`, name: 'kubelet log', value: refusal ?? '(no matching line)', at: 'after restart' },
    ],
    detail: passed
      ? `the kubelet refused to start, as predicted: ${predicted.join('; ')}`
      : `predicted: ${predicted.join('; ') || 'legal'}; kubelet active: ${restart.active}; log line: ${refusal ?? 'none'}`,
  };
}

async function waitNodeReady(state: RunState, cluster: Cluster, node: string, timeoutMs = 180_000): Promise<void> {
  const ready = await poll(async () => ((await cluster.objects.nodeReady(node)) ? true : undefined), { timeoutMs, intervalMs: 2_000, signal: state.run.signal });
  if (!ready) throw new Error(`node ${node} was not Ready within ${timeoutMs / 1000} s after the kubelet restart`);
}

import type { Plan } from '../../plan/plan.js';
import type { Cluster, NodeAccess } from '../../provider/types.js';
import type { IsolationRecord } from '../../results/raw.js';
import { objectName } from '../../workloads/spec.js';
import { poll } from '../abort.js';
import {
  applyKubeletExtraArgs, awaitKubeletRefusal, awaitKubeletRunning, describeUnit, illegalAllowlistLine, readSysconfig, runbookLine,
} from '../kubelet-runbook.js';
import { measuredClusters, need, type Phase, type RunState } from '../state.js';

type Procedure = NonNullable<Plan['scenario']['spec']['procedures']>[number];

/**
 * Procedures replayed on a running node, each recorded as a proof with what was seen:
 * - runbook: the seed article's /etc/sysconfig/kubelet steps, then a pod the node refused before is admitted;
 * - illegal-allowlist: a pattern outside the namespaced groups, and the kubelet refusing to start.
 * The node's kubelet settings are put back afterwards and the node must be Ready again. Both
 * restart a kubelet: never on a cluster sysctl-bench did not create (recorded as not run, with why).
 * Every wait ends on a state that only moves one way (systemd's record of the kubelet, the
 * journal after the restart, a pod's admission outcome, the workload gone); the time limits only
 * bound how long a state that never comes is waited for.
 */
const kubeletTimeoutMs = 180_000;
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
      const cluster = measuredClusters(state).find((candidate) => candidate.nodes.some((node) => node.pool === procedure.pool));
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
        await applyKubeletExtraArgs(node, original?.trim() || undefined);
        const running = await awaitKubeletRunning(node, { timeoutMs: kubeletTimeoutMs, signal: state.run.signal });
        if (!running) throw new Error(`the kubelet of ${node.name} did not run again within ${kubeletTimeoutMs / 1000} s after its settings were put back`);
        await waitNodeReady(state, cluster, node.name);
      }
    }
  },
};

async function runbook(state: RunState, cluster: Cluster, plan: Plan, node: NodeAccess, procedure: Procedure): Promise<IsolationRecord> {
  const template = plan.deployments.find((deployment) => deployment.kubernetesVersion === plan.kubernetesVersion && deployment.workload === procedure.workload
    && (procedure.variant === undefined || deployment.variant === procedure.variant));
  if (!template) throw new Error(`runbook: no workload ${procedure.workload}${procedure.variant ? `/${procedure.variant}` : ''} in the plan`);
  const pool = plan.clusters.flatMap((candidate) => candidate.pools).find((candidate) => candidate.name === procedure.pool);
  const deployment = {
    ...template, name: objectName(template.workload, template.variant, 'runbook'), pool: procedure.pool, retained: false,
    ...(pool ? { nodeSelector: { ...pool.nodeSelector } } : {}),
  };

  const before = await applyAndObserve(state, cluster, deployment);
  const restart = await applyKubeletExtraArgs(node, runbookLine(procedure.allowedUnsafeSysctls));
  // Any kubelet systemd runs after the restart was started from the rewritten file: its own command line is the evidence.
  const running = await awaitKubeletRunning(node, { timeoutMs: kubeletTimeoutMs, signal: state.run.signal });
  if (running) restart.values.push({ where: `node ${node.name}`, name: 'kubelet command line', value: running.commandLine, at: 'after restart' });
  const flagSeen = running?.commandLine.includes(`--allowed-unsafe-sysctls=${procedure.allowedUnsafeSysctls.join(',')}`) ?? false;
  if (running) await waitNodeReady(state, cluster, node.name);
  // The pod is made after the restart returned: the kubelet that admits or refuses it is the restarted one.
  const after = running ? await applyAndObserve(state, cluster, deployment) : { outcome: 'pending' as const, message: `the kubelet did not run within ${kubeletTimeoutMs / 1000} s` };
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
    // The same name is applied again after the restart: its pods from before must be gone, or they would be observed.
    await cluster.objects.remove(deployment, { untilGone: true });
  }
}

async function illegalAllowlist(state: RunState, node: NodeAccess, procedure: Procedure): Promise<IsolationRecord> {
  const { line, predicted } = illegalAllowlistLine(procedure.allowedUnsafeSysctls);
  const restart = await applyKubeletExtraArgs(node, line);
  // Decided from systemd's record (an exit of the restarted kubelet, with its status) and the journal after the restart, never from is-active at one moment.
  const seen = predicted.length > 0
    ? await awaitKubeletRefusal(node, restart, predicted, { timeoutMs: kubeletTimeoutMs, signal: state.run.signal })
    : { exited: false, failed: false, exit: undefined, unit: restart.started, refusal: undefined };
  const passed = predicted.length > 0 && seen.exited && seen.failed && seen.refusal !== undefined;
  return {
    type: 'isolation', check: 'illegal-allowlist', sysctl: procedure.allowedUnsafeSysctls.join(','), passed,
    values: [
      ...restart.values,
      { where: `node ${node.name}`, name: 'predicted refusal', value: predicted.join('; ') || '(none: the model finds the list legal)', at: 'before' },
      { where: `node ${node.name}`, name: 'kubelet (systemd)', value: describeUnit(seen.unit), at: 'after restart' },
      { where: `node ${node.name}`, name: 'kubelet exited since the restart', value: seen.exit ?? String(seen.exited), at: 'after restart' },
      { where: `node ${node.name}`, name: 'kubelet log', value: seen.refusal ?? '(no matching line after the restart)', at: 'after restart' },
    ],
    detail: passed
      ? `the kubelet refused to start, as predicted (${seen.exit ?? 'it exited with a failure status'}): ${predicted.join('; ')}`
      : predicted.length === 0
        ? 'the model finds this allowlist legal: there is no refusal to observe'
        : `predicted: ${predicted.join('; ')}; within ${kubeletTimeoutMs / 1000} s: kubelet exited: ${seen.exited}${seen.exited ? ` (failure status: ${seen.failed})` : ''}; log line: ${seen.refusal ?? 'none'}`,
  };
}

async function waitNodeReady(state: RunState, cluster: Cluster, node: string, timeoutMs = 180_000): Promise<void> {
  const ready = await poll(async () => ((await cluster.objects.nodeReady(node)) ? true : undefined), { timeoutMs, intervalMs: 2_000, signal: state.run.signal });
  if (!ready) throw new Error(`node ${node} was not Ready within ${timeoutMs / 1000} s after the kubelet restart`);
}

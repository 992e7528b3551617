import { setTimeout as sleep } from 'node:timers/promises';
import type { KindCluster } from '../cluster/kind-cluster.js';
import type { Kube } from '../kube/client.js';
import type { Plan } from '../plan/plan.js';
import type { IsolationRecord } from '../results/raw.js';
import { applyWorkload, removeWorkload } from '../workloads/deploy.js';
import { observeAdmission } from '../workloads/observe.js';
import { objectName } from '../workloads/spec.js';
import { applyKubeletExtraArgs, findRefusal, illegalAllowlistLine, kubeletJournal, readSysconfig, runbookLine } from './kubelet-runbook.js';
import type { RunContext } from './run-context.js';

/**
 * Procedures replayed on a running node, each recorded as a proof with what was seen:
 * - runbook: the seed article's /etc/sysconfig/kubelet steps, then a pod the node refused before is admitted;
 * - illegal-allowlist: a pattern outside the namespaced groups, and the kubelet refusing to start.
 * The node's kubelet settings are put back afterwards and the node must be Ready again.
 */
export async function runProcedures(context: RunContext, plan: Plan, clusters: readonly KindCluster[], kubeOf: (cluster: string) => Kube): Promise<void> {
  for (const procedure of plan.scenario.spec.procedures ?? []) {
    const cluster = clusters.find((candidate) => candidate.nodes.some((node) => node.pool === procedure.pool));
    const node = cluster?.nodes.find((candidate) => candidate.pool === procedure.pool);
    if (!cluster || !node) throw new Error(`procedure ${procedure.kind}: no node in pool ${procedure.pool}`);
    const kube = kubeOf(cluster.name);
    const original = await readSysconfig(node.name);
    try {
      const record = procedure.kind === 'runbook'
        ? await runbook(context, kube, plan, node.name, procedure)
        : await illegalAllowlist(node.name, procedure);
      await context.record(record);
      context.say(`  ${record.passed ? '✔' : '✖'} ${record.check} on ${node.name}: ${record.detail}`);
    } finally {
      await applyKubeletExtraArgs(node.name, original?.trim() || undefined, 5_000);
      await waitNodeReady(kube, node.name);
    }
  }
}

type Procedure = NonNullable<Plan['scenario']['spec']['procedures']>[number];

async function runbook(context: RunContext, kube: Kube, plan: Plan, node: string, procedure: Procedure): Promise<IsolationRecord> {
  const template = plan.deployments.find((deployment) => deployment.workload === procedure.workload
    && (procedure.variant === undefined || deployment.variant === procedure.variant));
  if (!template) throw new Error(`runbook: no workload ${procedure.workload}${procedure.variant ? `/${procedure.variant}` : ''} in the plan`);
  const deployment = { ...template, name: objectName(template.workload, template.variant, 'runbook'), pool: procedure.pool, retained: false };

  const before = await applyAndObserve(kube, deployment);
  const restart = await applyKubeletExtraArgs(node, runbookLine(procedure.allowedUnsafeSysctls));
  await waitNodeReady(kube, node);
  const flagSeen = restart.commandLine?.includes(`--allowed-unsafe-sysctls=${procedure.allowedUnsafeSysctls.join(',')}`) ?? false;
  const after = await applyAndObserve(kube, deployment);
  const passed = before.outcome === 'forbidden' && flagSeen && after.outcome === 'admitted';
  context.say(`    runbook steps: ${restart.steps.map((entry) => entry.step).join(' → ')}`);
  return {
    type: 'isolation', check: 'runbook-replay', sysctl: Object.keys(deployment.sysctls).join(','), workload: deployment.workload, passed,
    values: [
      { where: `node ${node}`, name: 'pod admission', value: `${before.outcome}${before.message ? `: ${before.message}` : ''}`, at: 'before runbook' },
      ...restart.values,
      { where: `node ${node}`, name: 'pod admission', value: after.outcome, at: 'after runbook' },
    ],
    detail: passed
      ? `forbidden before; after writing the drop-in, daemon-reload and a kubelet restart the flag is in the process list and the pod is admitted`
      : `before: ${before.outcome}; flag in process list: ${flagSeen}; after: ${after.outcome}${after.message ? ` (${after.message})` : ''}`,
  };
}

async function applyAndObserve(kube: Kube, deployment: Parameters<typeof applyWorkload>[1]) {
  const applied = await applyWorkload(kube, deployment);
  try {
    if (!applied.accepted) return { outcome: 'invalid' as const, message: applied.message };
    const observed = await observeAdmission(kube, deployment, 120_000);
    return { outcome: observed.outcome, message: observed.message };
  } finally {
    await removeWorkload(kube, deployment);
    await sleep(2_000);
  }
}

async function illegalAllowlist(node: string, procedure: Procedure): Promise<IsolationRecord> {
  const { line, predicted } = illegalAllowlistLine(procedure.allowedUnsafeSysctls);
  const restart = await applyKubeletExtraArgs(node, line, 10_000);
  const refusal = findRefusal(await kubeletJournal(node), predicted);
  const passed = predicted.length > 0 && !restart.active && refusal !== undefined;
  return {
    type: 'isolation', check: 'illegal-allowlist', sysctl: procedure.allowedUnsafeSysctls.join(','), passed,
    values: [
      ...restart.values,
      { where: `node ${node}`, name: 'predicted refusal', value: predicted.join('; ') || '(none: the model finds the list legal)', at: 'before' },
      { where: `node ${node}`, name: 'kubelet active', value: String(restart.active), at: 'after restart' },
      { where: `node ${node}`, name: 'kubelet log', value: refusal ?? '(no matching line)', at: 'after restart' },
    ],
    detail: passed
      ? `the kubelet refused to start, as predicted: ${predicted.join('; ')}`
      : `predicted: ${predicted.join('; ') || 'legal'}; kubelet active: ${restart.active}; log line: ${refusal ?? 'none'}`,
  };
}

async function waitNodeReady(kube: Kube, node: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const status = await kube.core.readNode({ name: node });
      if (status.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')) return;
    } catch {
      // The API server may be briefly unreachable while a kubelet restarts; keep polling.
    }
    await sleep(2_000);
  }
  throw new Error(`node ${node} was not Ready within ${timeoutMs / 1000} s after the kubelet restart`);
}

import type { Kube } from '../kube/client.js';
import type { PlannedDeployment } from '../plan/plan.js';
import { toDotSeparated } from '../policy/index.js';
import { diffSnapshots, type Snapshot } from '../probes/host-snapshot.js';
import { hostChangeNotLeaked, namespacedDiffers, nodeLevelShared, podChangeContained, type IsolationContext } from '../probes/isolation.js';
import type { IsolationRecord } from '../results/raw.js';
import type { Scenario } from '../scenario/schema.js';
import { startProbePod, stopProbePod } from '../workloads/probe-pod.js';
import { runningPods } from '../workloads/observe.js';
import type { RunContext } from './run-context.js';

type IsolationEntry = NonNullable<Scenario['spec']['isolation']>[number];

/**
 * Finds, for a sysctl, a running pod that set it and a running neighbour on the same node that
 * did not set it to the same value: the pair every namespaced proof compares.
 */
async function pairFor(kube: Kube, deployments: readonly PlannedDeployment[], workload: string | undefined, sysctl: string) {
  const candidates = deployments.filter((deployment) => workload === undefined || deployment.workload === workload);
  const valueOf = (deployment: PlannedDeployment) => Object.entries(deployment.sysctls).find(([name]) => toDotSeparated(name) === sysctl)?.[1];
  for (const tuned of candidates.filter((deployment) => valueOf(deployment) !== undefined)) {
    for (const tunedPod of await runningPods(kube, tuned)) {
      for (const neighbour of candidates.filter((deployment) => valueOf(deployment) !== valueOf(tuned))) {
        const neighbourPod = (await runningPods(kube, neighbour)).find((pod) => pod.node === tunedPod.node);
        if (neighbourPod) return { tuned, tunedPod, neighbourPod };
      }
    }
  }
  return undefined;
}

export async function runIsolationCheck(
  context: RunContext, kube: Kube, entry: IsolationEntry, deployments: readonly PlannedDeployment[], probeImage: string,
): Promise<IsolationRecord> {
  const name = entry.sysctl ?? '';
  const sysctl = toDotSeparated(name);
  const failed = (detail: string): IsolationRecord => ({ type: 'isolation', check: entry.check, sysctl, workload: entry.workload, passed: false, values: [], detail });

  if (entry.check === 'node-level-shared') {
    const pod = (await Promise.all(deployments.filter((d) => entry.workload === undefined || d.workload === entry.workload).map((d) => runningPods(kube, d)))).flat()[0];
    if (!pod) return failed('no running pod to read from');
    const isolation: IsolationContext = { kube, node: pod.node, tunedPod: pod.pod, neighbourPod: pod.pod, workload: entry.workload };
    return { type: 'isolation', ...(await nodeLevelShared(isolation, sysctl)) };
  }

  const pair = await pairFor(kube, deployments, entry.workload, sysctl);
  if (!pair) return failed(`no running pod that sets ${sysctl} with a neighbour on the same node that sets it otherwise or not at all`);
  const isolation: IsolationContext = {
    kube, node: pair.tunedPod.node, tunedPod: pair.tunedPod.pod, neighbourPod: pair.neighbourPod.pod, workload: entry.workload,
  };
  switch (entry.check) {
    case 'namespaced-differs':
      return { type: 'isolation', ...(await namespacedDiffers(isolation, sysctl, Object.entries(pair.tuned.sysctls).find(([key]) => toDotSeparated(key) === sysctl)?.[1] ?? '')) };
    case 'host-change-not-leaked':
      return { type: 'isolation', ...(await hostChangeNotLeaked(isolation, sysctl)) };
    case 'pod-change-contained': {
      const probe = await startProbePod(kube, pair.tunedPod.node, probeImage, true);
      try {
        return { type: 'isolation', ...(await podChangeContained({ ...isolation, privilegedPod: probe }, sysctl)) };
      } finally {
        await stopProbePod(kube, probe);
      }
    }
    default:
      return failed(`check ${entry.check} is evaluated at the end of the run`);
  }
}

/** The real machine's /proc/sys, before and after the whole run: the harness must leave no trace. */
export function hostUnchangedRecord(before: Snapshot, after: Snapshot): IsolationRecord {
  const changes = diffSnapshots(before, after);
  const values = Object.keys(before).sort().flatMap((name) => [
    { where: 'host', name, value: before[name] ?? '', at: 'before run' },
    { where: 'host', name, value: after[name] ?? '(missing)', at: 'after run' },
  ]);
  return {
    type: 'isolation', check: 'host-proc-unchanged', sysctl: '*', passed: changes.length === 0, values,
    detail: changes.length === 0
      ? `${Object.keys(before).length} host sysctls read the same before and after the run`
      : `changed on the host: ${changes.map((change) => `${change.name} ${change.before} -> ${change.after}`).join(', ')}`,
  };
}

export function sayIsolation(context: RunContext, record: IsolationRecord): void {
  context.say(`  ${record.passed ? '✔' : '✖'} ${record.check} ${record.sysctl}: ${record.detail}`);
}

import type { PlannedDeployment } from '../../plan/plan.js';
import { toDotSeparated } from '../../policy/index.js';
import { isolationCheck, type CheckContext, type IsolationPair, type PodOnNode } from '../../probes/checks/index.js';
import { clusterProber } from '../../probes/readers.js';
import type { Cluster, ImageSet } from '../../provider/types.js';
import type { IsolationRecord } from '../../results/raw.js';
import { admittedOf, clusterOf, need, type Phase, type RunState } from '../state.js';

type IsolationEntry = NonNullable<RunState['scenario']['spec']['isolation']>[number];

/**
 * The isolation proofs that look at running pods. Each is recorded; one that cannot be carried
 * out is a failed proof and the others still run. A proof that would write a node's own value
 * runs only where the provider allows node writes; elsewhere it is recorded as not run, with why.
 */
export const probesPhase: Phase = {
  name: () => 'probes',
  applies: (state) => (state.scenario.spec.isolation ?? []).some((entry) => isolationCheck(entry.check).stage === 'probes'),
  async run(state) {
    for (const entry of state.scenario.spec.isolation ?? []) {
      const check = isolationCheck(entry.check);
      if (check.stage !== 'probes') continue;
      const sysctl = toDotSeparated(entry.sysctl ?? '');
      if (check.writesNode && !state.provider.capabilities.nodeWrites) {
        const message = `not run: ${check.name} ${sysctl} writes a node's own value; on a cluster sysctl-bench did not create, proofs are read-only unless run with --allow-node-writes`;
        await state.run.record({ type: 'note', at: new Date().toISOString(), phase: 'probes', message });
        state.run.say(`  - ${message}`);
        continue;
      }
      const failed = (detail: string): IsolationRecord => ({ type: 'isolation', check: check.name, sysctl, ...(entry.workload ? { workload: entry.workload } : {}), passed: false, values: [], detail });
      const candidates = admittedOf(state, entry.workload);
      const first = candidates[0];
      let record: IsolationRecord;
      if (!first) {
        record = failed('no admitted workload to probe');
      } else {
        const cluster = clusterOf(state, first.cluster);
        record = await check.run(checkContext(cluster, entry, sysctl, candidates, need(state.images, 'the images'), state.provider.capabilities.sharesHostKernel))
          .then((outcome) => ({ type: 'isolation' as const, check: check.name, sysctl, ...(entry.workload ? { workload: entry.workload } : {}), ...outcome }))
          .catch((error: unknown) => {
            if (state.run.signal.aborted) throw error;
            return failed(`could not be carried out: ${error instanceof Error ? error.message.split('\n').slice(0, 2).join(' ') : String(error)}`);
          });
      }
      await state.run.record(record);
      state.run.say(`  ${record.passed ? '✔' : '✖'} ${record.check} ${record.sysctl}: ${record.detail}`);
    }
  },
};

/** What a check sees of one cluster: reads and writes through the prober, the pods it may compare, a privileged probe on demand. */
export function checkContext(
  cluster: Cluster, entry: IsolationEntry, sysctl: string, deployments: readonly PlannedDeployment[], images: ImageSet, sharesHostKernel: boolean,
): CheckContext {
  const valueOf = (deployment: PlannedDeployment) => Object.entries(deployment.sysctls).find(([name]) => toDotSeparated(name) === sysctl)?.[1];
  return {
    sysctl,
    workload: entry.workload,
    prober: clusterProber(cluster),
    sharesHostKernel,
    /** A running pod that set the sysctl and a running neighbour on the same node that set it otherwise or not at all. */
    async findPair(): Promise<IsolationPair | undefined> {
      for (const tuned of deployments.filter((deployment) => valueOf(deployment) !== undefined)) {
        for (const tunedPod of await cluster.objects.runningPods(tuned)) {
          for (const neighbour of deployments.filter((deployment) => valueOf(deployment) !== valueOf(tuned))) {
            const neighbourPod = (await cluster.objects.runningPods(neighbour)).find((pod) => pod.node === tunedPod.node);
            if (neighbourPod) return { tuned: { pod: tunedPod.pod, node: tunedPod.node }, neighbour: neighbourPod.pod, tunedValue: valueOf(tuned) ?? '' };
          }
        }
      }
      return undefined;
    },
    async findPod(): Promise<PodOnNode | undefined> {
      for (const deployment of deployments) {
        const pod = (await cluster.objects.runningPods(deployment))[0];
        if (pod) return { pod: pod.pod, node: pod.node };
      }
      return undefined;
    },
    async withPrivilegedPod(node, body) {
      const pod = await cluster.objects.startProbePod({ node, image: images['net-server'], imagePullPolicy: images.pullPolicy, privileged: true });
      try {
        return await body(pod);
      } finally {
        await cluster.objects.stopProbePod(pod);
      }
    },
  };
}

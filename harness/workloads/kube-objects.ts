import { EnvironmentError } from '../errors.js';
import { execInPod, ignoreNotFound, type ExecResult } from '../kube/client.js';
import { loadContainerName, loadJobObject, type LoadJob, type LoadJobPod } from '../load/job.js';
import type { ClusterObjects } from '../provider/types.js';
import { poll } from '../run/abort.js';
import type { Observation } from './classify.js';
import { applyWorkload, removeWorkload, workloadGone, type ApplyOutcome } from './deploy.js';
import { observeAdmission, runningPods, type RunningPod } from './observe.js';
import { startProbePod, stopProbePod, type ProbePodOptions } from './probe-pod.js';
import type { InCluster, WorkloadDeployment } from './spec.js';

/** The run's objects in one cluster, over the Kubernetes API, in the run's namespace. */
export class KubeObjects implements ClusterObjects {
  constructor(private readonly target: InCluster) {}

  apply(deployment: WorkloadDeployment): Promise<ApplyOutcome> {
    return applyWorkload(this.target, deployment);
  }

  async remove(deployment: WorkloadDeployment, options: { untilGone?: boolean } = {}): Promise<void> {
    await removeWorkload(this.target, deployment);
    if (options.untilGone && !(await workloadGone(this.target, deployment, 180_000))) {
      throw new Error(`${deployment.kind} ${deployment.name} and its pods were still there 180 s after their deletion`);
    }
  }

  observe(deployment: WorkloadDeployment, timeoutMs: number): Promise<Observation> {
    return observeAdmission(this.target, deployment, timeoutMs);
  }

  runningPods(deployment: Pick<WorkloadDeployment, 'name'>): Promise<RunningPod[]> {
    return runningPods(this.target, deployment);
  }

  exec(pod: string, command: readonly string[], options: { container?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return execInPod(this.target.kube, this.target.namespace, pod, options.container ?? 'app', [...command], options.timeoutMs);
  }

  startProbePod(options: ProbePodOptions): Promise<string> {
    return startProbePod(this.target, options);
  }

  stopProbePod(name: string): Promise<void> {
    return stopProbePod(this.target, name);
  }

  async serviceAddress(deployment: WorkloadDeployment, via: 'node-port' | 'cluster-ip'): Promise<string> {
    const { kube, namespace } = this.target;
    const service = await kube.core.readNamespacedService({ name: deployment.name, namespace });
    const port = service.spec?.ports?.[0];
    if (via === 'cluster-ip') {
      const ip = service.spec?.clusterIP;
      if (!ip || ip === 'None' || !port) throw new Error(`service ${deployment.name} has no cluster IP`);
      return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port.port}/`;
    }
    // A node that runs the workload's pod, by its InternalIP: on kind a container on the network the harness created.
    const pod = (await runningPods(this.target, deployment))[0];
    if (!port?.nodePort || !pod) throw new Error(`${deployment.name} has no running pod or node port to send load to`);
    const node = await kube.core.readNode({ name: pod.node });
    const address = node.status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
    if (!address) throw new Error(`node ${pod.node} has no InternalIP`);
    return `http://${address}:${port.nodePort}/`;
  }

  async runLoadJob(job: LoadJob): Promise<LoadJobPod[]> {
    const { kube, namespace } = this.target;
    const selector = `sysctl-bench/load-job=${job.name}`;
    await kube.batch.createNamespacedJob({ namespace, body: loadJobObject(job, namespace) });
    try {
      const finished = await poll(async () => {
        const pods = (await kube.core.listNamespacedPod({ namespace, labelSelector: selector })).items;
        for (const pod of pods) {
          const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
          if (waiting?.reason && /ErrImage|ImagePull|InvalidImageName/.test(waiting.reason)) {
            throw new EnvironmentError(`load pod ${pod.metadata?.name ?? ''} on ${pod.spec?.nodeName ?? '?'}: ${waiting.reason}: ${job.image}`, {
              fix: 'push the loadgen image to the registry the nodes pull from (docs/staging-cluster.md)',
            });
          }
          if (pod.status?.reason === 'SysctlForbidden') {
            throw new EnvironmentError(`load pod ${pod.metadata?.name ?? ''} was refused by its node: ${pod.status.message ?? ''}`, {
              fix: 'run the load pods on nodes that allow the client sysctls (load[].generator.pool), or drop clientSysctls that need an allowlist',
            });
          }
        }
        const done = pods.filter((pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed');
        return done.length >= job.pods ? done : undefined;
      }, { timeoutMs: job.deadlineMs + 180_000, intervalMs: 1_000, signal: kube.signal });
      if (!finished) throw new Error(`load job ${job.name}: its ${job.pods} pods did not finish within ${Math.round((job.deadlineMs + 180_000) / 1000)} s`);
      const results: LoadJobPod[] = [];
      for (const pod of finished) {
        const name = pod.metadata?.name ?? '';
        const index = Number(pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index'] ?? -1);
        const state = pod.status?.containerStatuses?.find((status) => status.name === loadContainerName)?.state;
        const stdout = await kube.core.readNamespacedPodLog({ name, namespace, container: loadContainerName });
        const startedAt = state?.terminated?.startedAt ?? state?.running?.startedAt;
        results.push({
          index, pod: name, node: pod.spec?.nodeName ?? '', exitCode: state?.terminated?.exitCode, stdout: String(stdout ?? ''),
          startedAt: startedAt === undefined ? undefined : new Date(startedAt).toISOString(),
        });
      }
      return results.sort((a, b) => a.index - b.index);
    } finally {
      // With the run's signal aborted this fails at once; the namespace's (or cluster's) removal takes the Job with it.
      await ignoreNotFound(kube.batch.deleteNamespacedJob({ name: job.name, namespace, propagationPolicy: 'Background' })).catch(() => undefined);
      await ignoreNotFound(kube.core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 })).catch(() => undefined);
    }
  }

  async nodeReady(node: string): Promise<boolean> {
    try {
      const status = await this.target.kube.core.readNode({ name: node });
      return status.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
    } catch (error) {
      if (this.target.kube.signal?.aborted) throw error;
      // The API server may be briefly unreachable while a kubelet restarts.
      return false;
    }
  }
}

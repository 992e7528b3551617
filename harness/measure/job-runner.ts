import { containerDeadlineMs, loadgenArgs } from '../load/args.js';
import { parseLoadSummary } from '../load/summary.js';
import type { LoadOutcome, LoadRequest, LoadRunner } from '../provider/types.js';
import { labels, objectName } from '../workloads/spec.js';
import { measureFromGenerators } from './merge.js';

/**
 * Load from inside the cluster: an Indexed Job of N loadgen pods sending to the workload's
 * service, each taking its share, all starting at one barrier time. The barrier lies far enough
 * ahead for every pod to be running by then; how far is learnt from the Job before (the first
 * Job waits longest), so that repetitions do not idle.
 */
export class JobLoadRunner implements LoadRunner {
  readonly where = 'cluster' as const;
  private leadMs = 20_000;
  private count = 0;

  async run(request: LoadRequest): Promise<LoadOutcome> {
    const target = await request.cluster.objects.serviceAddress(request.deployment, 'cluster-ip');
    this.count += 1;
    const createdAt = Date.now();
    // Every pod takes its share by its Job index (--shard-count) and starts at one barrier time.
    const spec = { ...request.spec(target), shard: { count: request.pods }, startAtMs: Math.round(createdAt + this.leadMs) };
    const pods = await request.cluster.objects.runLoadJob({
      name: objectName('loadgen', request.workload, request.variant, String(this.count)),
      pods: request.pods,
      image: request.image,
      imagePullPolicy: request.imagePullPolicy,
      args: loadgenArgs(spec),
      sysctls: request.clientSysctls,
      ...(request.nodeSelector ? { nodeSelector: request.nodeSelector } : {}),
      labels: { [labels.managed]: 'sysctl-bench', [labels.workload]: request.workload, [labels.variant]: request.variant },
      deadlineMs: containerDeadlineMs(spec, createdAt),
    });
    const failed = pods.filter((pod) => pod.exitCode !== 0 && pod.exitCode !== 3);
    if (failed.length > 0) {
      throw new Error(`load pods failed: ${failed.map((pod) => `${pod.pod} exit ${pod.exitCode ?? '?'}: ${pod.stdout.trim().split('\n').slice(-2).join(' | ')}`).join('; ')}`);
    }
    const latestStart = Math.max(...pods.map((pod) => (pod.startedAt ? Date.parse(pod.startedAt) : createdAt) - createdAt));
    // Twice the slowest start seen, at least 5 s: a burst from pods that missed the barrier is no burst.
    this.leadMs = Math.min(60_000, Math.max(5_000, 2 * latestStart + 2_000));
    return measureFromGenerators(pods.map((pod) => ({ name: `pod ${pod.index} (${pod.pod})`, node: pod.node, summary: parseLoadSummary(pod.stdout) })));
  }

  /** The Jobs live in the run's namespace, which the provider removes. */
  async cleanup(): Promise<void> {}
}

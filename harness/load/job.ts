import type { V1Job } from '@kubernetes/client-node';

/**
 * The load generator inside the cluster: an Indexed Job of N pods (parallelism = completions = N).
 * Every pod runs the same arguments; loadgen takes its share from JOB_COMPLETION_INDEX
 * (--shard-count N, from LoadSpec.shard) and waits for the one barrier time (--start-at, from
 * LoadSpec.startAtMs), so that a burst from N pods stays one burst. Client sysctls go in the pods' security context.
 */
export interface LoadJob {
  name: string;
  pods: number;
  image: string;
  imagePullPolicy: 'Never' | 'IfNotPresent';
  /** loadgen's arguments, shard and barrier included. */
  args: string[];
  sysctls: Record<string, string>;
  nodeSelector?: Record<string, string>;
  labels: Record<string, string>;
  /** The most the whole Job may take once its pods run (loadgen's own bound plus its grace). */
  deadlineMs: number;
}

/** What one pod of the Job printed and how it ended. */
export interface LoadJobPod {
  index: number;
  pod: string;
  node: string;
  exitCode: number | undefined;
  stdout: string;
  /** When its container started, by the API server's clock. */
  startedAt: string | undefined;
}

export const loadContainerName = 'loadgen';

/** Pure: the Job object. */
export function loadJobObject(job: LoadJob, namespace: string): V1Job {
  const sysctls = Object.entries(job.sysctls).map(([name, value]) => ({ name, value }));
  const podLabels = { ...job.labels, 'sysctl-bench/load-job': job.name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.name, namespace, labels: podLabels },
    spec: {
      completionMode: 'Indexed',
      completions: job.pods,
      parallelism: job.pods,
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(job.deadlineMs / 1000) + 120,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 2,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(job.nodeSelector && Object.keys(job.nodeSelector).length > 0 ? { nodeSelector: { ...job.nodeSelector } } : {}),
          securityContext: sysctls.length > 0 ? { sysctls } : {},
          // Spread the generators over the nodes they may use, so that one node's CPU is not the bottleneck of all.
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'sysctl-bench/load-job': job.name } },
          }],
          containers: [{ name: loadContainerName, image: job.image, imagePullPolicy: job.imagePullPolicy, args: [...job.args] }],
        },
      },
    },
  };
}

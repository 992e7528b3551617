import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

export type ObservedOutcome = 'admitted' | 'forbidden' | 'invalid' | 'unsupported' | 'pod-security-forbidden' | 'pending';

export interface Observation {
  outcome: ObservedOutcome;
  reason: string | undefined;
  message: string | undefined;
  podPhase: string | undefined;
  pods: string[];
  events: string[];
  /** Why no outcome can come (the image cannot be pulled): waiting longer would not help. */
  stuck?: string;
}

/** The kubelet's sysctl admission reason (pkg/kubelet/sysctl: ForbiddenReason). */
const kubeletForbiddenReason = 'SysctlForbidden';

/**
 * What really happened to a workload's pods, from their status and events alone:
 * - the kubelet refuses the pod at admission: phase Failed, reason SysctlForbidden;
 * - the runtime cannot write a sysctl the kernel lacks: sandbox creation fails with
 *   "open /proc/sys/...: no such file or directory", and the pod never starts;
 * - Pod Security admission refuses the pods at the API server: no pod exists, and the controller
 *   (ReplicaSet, StatefulSet, DaemonSet) reports FailedCreate "... violates PodSecurity ...";
 * - every pod running and ready, and as many as the workload asks for (`expected`): admitted.
 *   Fewer would decide from whichever pods exist at that moment: a pod still to come may be refused.
 * Anything else is still pending: the caller decides how long to wait. `events` are those of the
 * pods and of the workload's controllers.
 */
export function classifyPods(pods: readonly V1Pod[], events: readonly CoreV1Event[], expected = 1): Observation {
  const podNames = pods.map((pod) => pod.metadata?.name ?? '?');
  const eventLines = events
    .filter((event) => event.type === 'Warning')
    .map((event) => `${event.involvedObject?.name ?? ''}: ${event.reason ?? ''}: ${event.message ?? ''}`);
  const base = { pods: podNames, events: eventLines };

  const podSecurity = events.find((event) => event.reason === 'FailedCreate' && /violates PodSecurity/.test(event.message ?? ''));
  if (podSecurity && !pods.some(isRunningAndReady)) {
    return { ...base, outcome: 'pod-security-forbidden', reason: podSecurity.reason, message: podSecurity.message, podPhase: undefined };
  }
  const forbidden = pods.find((pod) => pod.status?.reason === kubeletForbiddenReason);
  if (forbidden) {
    return { ...base, outcome: 'forbidden', reason: kubeletForbiddenReason, message: forbidden.status?.message, podPhase: forbidden.status?.phase };
  }
  const missing = events.find((event) => /\/proc\/sys\/\S*:? no such file or directory/i.test(event.message ?? ''));
  if (missing) {
    return { ...base, outcome: 'unsupported', reason: missing.reason, message: missing.message, podPhase: phaseOf(pods, missing.involvedObject?.name) };
  }
  const invalidArgument = events.find((event) => /sysctl .*(invalid argument|not allowed|permission denied)/i.test(event.message ?? ''));
  if (invalidArgument) {
    return { ...base, outcome: 'invalid', reason: invalidArgument.reason, message: invalidArgument.message, podPhase: phaseOf(pods, invalidArgument.involvedObject?.name) };
  }
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  if (live.length >= Math.max(1, expected) && live.every(isRunningAndReady)) {
    return { ...base, outcome: 'admitted', reason: undefined, message: undefined, podPhase: 'Running' };
  }
  const first = pods[0];
  const stuck = imageProblem(pods);
  return { ...base, ...(stuck ? { stuck } : {}), outcome: 'pending', reason: first?.status?.reason, message: first?.status?.message, podPhase: first?.status?.phase };
}

function isRunningAndReady(pod: V1Pod): boolean {
  if (pod.status?.phase !== 'Running') return false;
  return (pod.status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

function phaseOf(pods: readonly V1Pod[], name: string | undefined): string | undefined {
  return pods.find((pod) => pod.metadata?.name === name)?.status?.phase;
}

/** Reasons the kubelet gives while it cannot get a container's image. */
const imageWaitReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);

/** A container that waits for an image it cannot get: the pod will never start. */
function imageProblem(pods: readonly V1Pod[]): string | undefined {
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && imageWaitReasons.has(waiting.reason)) {
        return `${pod.metadata?.name ?? '?'} on ${pod.spec?.nodeName ?? '?'}: ${waiting.reason}: ${status.image ?? ''} ${waiting.message ?? ''}`.trim();
      }
    }
  }
  return undefined;
}

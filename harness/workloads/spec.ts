import type { Kube } from '../kube/client.js';
import type { OwnImage, WorkloadAppName } from './apps/index.js';

/** One workload variant, placed on one pool: what the plan hands to the deploy phase. */
export interface WorkloadDeployment {
  /** Kubernetes object name: <workload>-<variant>-<pool>, DNS-1123. */
  name: string;
  workload: string;
  variant: string;
  pool: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  app: WorkloadAppName;
  /** The team's own image block (app: image): its command, arguments, port and paths. */
  own?: OwnImage;
  image: string;
  /** The Service address of the workload it calls (workloads[].upstream), as <name>:<port>: its UPSTREAM. */
  upstream?: string;
  /** Never where the provider put the images into the nodes (kind); IfNotPresent where nodes pull. */
  imagePullPolicy: 'Never' | 'IfNotPresent';
  replicas: number;
  sysctls: Record<string, string>;
  /** Passed to the app as environment variables (backlog -> BACKLOG). */
  settings: Record<string, string>;
  /** The labels that select the pool's nodes. */
  nodeSelector: Record<string, string>;
  /** When the pool's nodes disagree: only these nodes (the ones the prediction was made for). */
  pinnedNodes?: string[];
  /** NodePort when load may come from outside the cluster (kind's network), else ClusterIP. */
  serviceType: 'NodePort' | 'ClusterIP';
  /** Extra pod fields for proofs (a privileged probe, hostNetwork conflicts). */
  privileged?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
}

/** Where a run's objects live: a cluster's API and the run's one namespace in it. */
export interface InCluster {
  readonly kube: Kube;
  readonly namespace: string;
}

export const labels = {
  managed: 'app.kubernetes.io/managed-by',
  run: 'sysctl-bench/run',
  workload: 'sysctl-bench/workload',
  variant: 'sysctl-bench/variant',
  pool: 'sysctl-bench/pool',
  deployment: 'sysctl-bench/deployment',
} as const;

export const managedBy = 'sysctl-bench';

/** A Kubernetes name from parts: lower case, [a-z0-9-], at most 63 characters, stable for the same parts. */
export function objectName(...parts: string[]): string {
  const joined = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (joined.length <= 63) return joined;
  let hash = 0;
  for (const char of joined) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${joined.slice(0, 54).replace(/-$/, '')}-${hash.toString(36).slice(0, 8)}`;
}

/** A label value from any text: [A-Za-z0-9_.-], at most 63 characters, alphanumeric at both ends. */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** backlog -> BACKLOG, acceptRate -> ACCEPT_RATE. */
export function envName(setting: string): string {
  return setting.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

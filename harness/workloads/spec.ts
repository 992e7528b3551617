/** One workload variant, placed on one pool: what the plan hands to the deploy phase. */
export interface WorkloadDeployment {
  /** Kubernetes object name: <workload>-<variant>-<pool>, DNS-1123. */
  name: string;
  workload: string;
  variant: string;
  pool: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  app: 'net-server' | 'ipc-bench';
  image: string;
  replicas: number;
  sysctls: Record<string, string>;
  /** Passed to the app as environment variables (backlog -> BACKLOG). */
  settings: Record<string, string>;
  /** Extra pod fields for proofs (a privileged probe, hostNetwork conflicts). */
  privileged?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
}

export const namespace = 'sysctl-bench';

export const labels = {
  managed: 'app.kubernetes.io/managed-by',
  workload: 'sysctl-bench/workload',
  variant: 'sysctl-bench/variant',
  pool: 'sysctl-bench/pool',
  deployment: 'sysctl-bench/deployment',
} as const;

/** A Kubernetes name from parts: lower case, [a-z0-9-], at most 63 characters, stable for the same parts. */
export function objectName(...parts: string[]): string {
  const joined = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (joined.length <= 63) return joined;
  let hash = 0;
  for (const char of joined) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${joined.slice(0, 54).replace(/-$/, '')}-${hash.toString(36).slice(0, 8)}`;
}

/** backlog -> BACKLOG, acceptRate -> ACCEPT_RATE. */
export function envName(setting: string): string {
  return setting.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

/**
 * Every pinned version in one place. Changing one changes the fingerprint of exactly the artefacts
 * built from it, so `doctor --fix` rebuilds those and nothing else.
 */
export const pinned = {
  /** Newest Kubernetes that the CI hosts (cgroup v1) run as is; 1.35+ needs failCgroupV1: false. */
  kubernetes: process.env.SYSCTL_BENCH_K8S_VERSION ?? '1.34.4',
  kind: 'v0.30.0',
  etcd: '3.6.16',
  coredns: '1.12.4',
  /** The Debian release the node image and the base image are debootstrapped from. */
  debianSuite: 'bookworm',
} as const;

/** kind's own node image for a Kubernetes version, used when a machine can pull it. */
export function officialNodeImage(kubernetesVersion: string): string {
  return `kindest/node:v${kubernetesVersion}`;
}

/**
 * Kubernetes minors `run` can bring up on these hosts (cgroup v1: 1.35+ with failCgroupV1: false),
 * newest first. `plan` refuses any other. (Same shape as the toolchain's release list, which
 * replaces this when it lands: one node image recipe per minor.)
 */
export function runnableKubernetesVersions(): string[] {
  return ['1.37', '1.36', '1.35', '1.34'];
}

/** The minor a scenario runs on when it names none: the pinned node image's. */
export const defaultKubernetesMinor: string = pinned.kubernetes.split('.').slice(0, 2).join('.');

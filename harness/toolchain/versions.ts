import { UserError } from '../errors.js';

/**
 * Every pinned version in one place. Changing one changes the fingerprint of exactly the artefacts
 * built from it, so `doctor --fix` rebuilds those and nothing else.
 */
export const pinned = {
  /** kind >= v0.33.0 writes kubeadm.k8s.io/v1beta4 for Kubernetes >= 1.36; kubeadm 1.37 has no v1beta3 left. */
  kind: 'v0.33.0',
  /** The Debian release the node image and the base image are debootstrapped from. */
  debianSuite: 'bookworm',
} as const;

/**
 * One Kubernetes minor that sysctl-bench can run: its pinned patch, and the programs its node
 * image holds beside Kubernetes' own. kubeadm of each version names the images it wants (etcd,
 * CoreDNS, pause tags: cmd/kubeadm/app/constants/constants.go); the images are tagged exactly so,
 * and hold the program versions below (the image label io.sysctl-bench.program-version says which).
 * Programs are shared between minors where kubeadm asks for the same minor of them, so that a
 * second node image does not compile them again.
 */
export interface KubernetesRelease {
  /** "1.37" */
  minor: string;
  /** "1.37.2": the release built (or pulled as kindest/node:v<patch>). */
  patch: string;
  /** etcd built for kubeadm's `registry.k8s.io/etcd:<tag>` (same etcd minor as kubeadm's pick). */
  etcd: string;
  /** CoreDNS built for kubeadm's `registry.k8s.io/coredns/coredns:<tag>`. */
  coredns: string;
  /** crictl (cri-tools), which kind's `load docker-image` and `export logs` run inside the node. */
  criTools: string;
  /** What kubeadm of this patch asks for, for the docs and a unit test (the build reads kubeadm itself). */
  kubeadmAsks: { etcd: string; coredns: string; pause: string };
}

/**
 * Newest first. The Go module proxy serves k8s.io/kubernetes for each of these patches; 1.37 and
 * 1.36 are built and run end to end here (cgroup v1, Debian's containerd 1.6); 1.35 and 1.34 build
 * the same way (1.34 ran with kind v0.30.0 before).
 */
export const kubernetesReleases: readonly KubernetesRelease[] = [
  { minor: '1.37', patch: '1.37.2', etcd: '3.7.3', coredns: '1.14.6', criTools: 'v1.37.0', kubeadmAsks: { etcd: '3.7.0-0', coredns: 'v1.14.6', pause: '3.10.2' } },
  { minor: '1.36', patch: '1.36.3', etcd: '3.6.16', coredns: '1.14.6', criTools: 'v1.37.0', kubeadmAsks: { etcd: '3.6.8-0', coredns: 'v1.14.2', pause: '3.10.2' } },
  { minor: '1.35', patch: '1.35.4', etcd: '3.6.16', coredns: '1.13.1', criTools: 'v1.37.0', kubeadmAsks: { etcd: '3.6.6-0', coredns: 'v1.13.1', pause: '3.10.1' } },
  { minor: '1.34', patch: '1.34.4', etcd: '3.6.16', coredns: '1.12.4', criTools: 'v1.34.0', kubeadmAsks: { etcd: '3.6.5-0', coredns: 'v1.12.1', pause: '3.10.1' } },
];

/** The minor a scenario runs on when it names none (the newest that runs on cgroup v1 hosts). */
export const defaultKubernetesMinor = '1.37';

/** "1.37", "v1.37" or "1.37.2" -> "1.37"; undefined when not a version. */
export function minorOf(version: string): string | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** The minors sysctl-bench has a node image recipe for, newest first. */
export function runnableKubernetesVersions(): string[] {
  return kubernetesReleases.map((release) => release.minor);
}

/** The release for a minor ("1.37" or a patch of it); a UserError naming the runnable ones otherwise. */
export function kubernetesRelease(version: string = defaultKubernetesMinor): KubernetesRelease {
  const minor = minorOf(version);
  const release = kubernetesReleases.find((candidate) => candidate.minor === minor);
  if (!release) {
    throw new UserError(`Kubernetes ${version} cannot be run here: sysctl-bench builds node images for ${runnableKubernetesVersions().join(', ')}`, {
      where: 'spec.kubernetesVersion',
      fix: `set spec.kubernetesVersion to one of ${runnableKubernetesVersions().join(', ')} (validate and plan model 1.22 and newer without a cluster)`,
    });
  }
  return release;
}

/** "1.37" -> "1.37.2" */
export function kubernetesPatch(version: string = defaultKubernetesMinor): string {
  return kubernetesRelease(version).patch;
}

/** kind's own node image for a Kubernetes patch, used when a machine has it or can pull it. */
export function officialNodeImage(kubernetesVersion: string): string {
  return `kindest/node:v${kubernetesVersion}`;
}

import { KERNEL_GATE_PER_ENTRY_SINCE, KERNEL_GATED_SAFE_SINCE } from './boundaries.js';
import { atLeast, kernelAtLeast, parseKernelRelease, type MinorVersion } from './versions.js';

/**
 * The kubelet's built-in safe set (pkg/kubelet/sysctl/safe_sysctls.go; before 1.25 the list in
 * pkg/security/podsecuritypolicy/sysctl/mustmatchpatterns.go), with the Kubernetes minor that
 * first shipped each entry and the kernel that first namespaced it (pkg/util/kernel/constants.go).
 * The kubelet drops an entry whose minimum kernel is newer than the node's — and, when it cannot
 * read or parse the node's kernel version, every entry that has a minimum kernel.
 */
export interface SafeSysctl {
  readonly name: string;
  readonly since: string;
  readonly minKernel?: string;
}

export const SAFE_SYSCTLS: readonly SafeSysctl[] = [
  { name: 'kernel.shm_rmid_forced', since: '1.4' },
  { name: 'net.ipv4.ip_local_port_range', since: '1.4' },
  { name: 'net.ipv4.tcp_syncookies', since: '1.4' },
  { name: 'net.ipv4.ping_group_range', since: '1.18' },
  { name: 'net.ipv4.ip_unprivileged_port_start', since: '1.22' },
  { name: 'net.ipv4.ip_local_reserved_ports', since: '1.27', minKernel: '3.16' },
  { name: 'net.ipv4.tcp_keepalive_time', since: '1.29', minKernel: '4.5' },
  { name: 'net.ipv4.tcp_fin_timeout', since: '1.29', minKernel: '4.6' },
  { name: 'net.ipv4.tcp_keepalive_intvl', since: '1.29', minKernel: '4.5' },
  { name: 'net.ipv4.tcp_keepalive_probes', since: '1.29', minKernel: '4.5' },
  { name: 'net.ipv4.tcp_rmem', since: '1.32', minKernel: '4.15' },
  { name: 'net.ipv4.tcp_wmem', since: '1.32', minKernel: '4.15' },
  { name: 'net.ipv4.tcp_slow_start_after_idle', since: '1.37', minKernel: '4.15' },
  { name: 'net.ipv4.tcp_notsent_lowat', since: '1.37', minKernel: '4.6' },
];

/** The kernel release a kubelet sees when it cannot read or parse /proc/sys/kernel/osrelease. */
export const UNKNOWN_KERNEL = 'unknown';

const BY_NAME = new Map(SAFE_SYSCTLS.map((entry) => [entry.name, entry]));

export function safeSysctlEntry(dotName: string): SafeSysctl | undefined {
  return BY_NAME.get(dotName);
}

/**
 * The safe names a kubelet of `version` enables on a node with `kernelVersion`. Absent means "not
 * said": the kernel is taken to be new enough. A text the kubelet cannot parse (e.g. "unknown")
 * means the kubelet could not tell, and it drops every kernel-gated entry.
 */
export function safeSysctlsFor(version: MinorVersion, kernelVersion?: string): string[] {
  return SAFE_SYSCTLS.filter((entry) => isSafeOn(entry, version, kernelVersion)).map((entry) => entry.name);
}

export function isSafeOn(entry: SafeSysctl, version: MinorVersion, kernelVersion?: string): boolean {
  if (!atLeast(version, entry.since)) return false;
  if (!kernelGated(entry, version) || kernelVersion === undefined) return true;
  if (parseKernelRelease(kernelVersion) === undefined) return false;
  return kernelAtLeast(kernelVersion, entry.minKernel!);
}

/** Whether the kubelet of `version` checks this entry against the kernel version at all. */
function kernelGated(entry: SafeSysctl, version: MinorVersion): boolean {
  if (!entry.minKernel || !atLeast(version, KERNEL_GATED_SAFE_SINCE)) return false;
  return atLeast(version, KERNEL_GATE_PER_ENTRY_SINCE) || entry.name === 'net.ipv4.ip_local_reserved_ports';
}

/** What the kubelet logs at start-up when it drops a safe entry (safe_sysctls.go), for messages. */
export function droppedSafeSysctlLog(entry: SafeSysctl, version: MinorVersion, kernelVersion: string): string | undefined {
  if (!atLeast(version, entry.since) || !kernelGated(entry, version) || isSafeOn(entry, version, kernelVersion)) return undefined;
  const parsed = parseKernelRelease(kernelVersion);
  // klog prints the parsed generic version (its String()): the numbers only, "6.8.0-45-generic" -> "6.8.0".
  const shown = parsed?.join('.');
  if (!atLeast(version, KERNEL_GATE_PER_ENTRY_SINCE)) {
    return shown === undefined
      ? '"Failed to get kernel version, dropping net.ipv4.ip_local_reserved_ports from safe sysctl list"'
      : `"Kernel version is too old, dropping net.ipv4.ip_local_reserved_ports from safe sysctl list" kernelVersion="${shown}"`;
  }
  return shown === undefined
    ? '"failed to get kernel version, unable to determine which sysctls are available"'
    : `"kernel version is too old, dropping the sysctl from safe sysctl list" kernelVersion="${shown}" sysctl="${entry.name}"`;
}

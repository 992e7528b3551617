import { atLeast, kernelAtLeast, type MinorVersion } from './versions.js';

/**
 * The kubelet's built-in safe set (pkg/kubelet/sysctl/safe_sysctls.go), with the Kubernetes minor
 * that first shipped each entry and the kernel that first namespaced it. The kubelet drops an entry
 * whose minimum kernel is newer than the node's, so on such a node it needs the unsafe allowlist.
 * Entries before 1.22 are recorded for the record; the model starts at 1.22.
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
];

const BY_NAME = new Map(SAFE_SYSCTLS.map((entry) => [entry.name, entry]));

export function safeSysctlEntry(dotName: string): SafeSysctl | undefined {
  return BY_NAME.get(dotName);
}

/** The safe names a kubelet of `version` enables on a node with `kernelVersion` (unknown: all). */
export function safeSysctlsFor(version: MinorVersion, kernelVersion?: string): string[] {
  return SAFE_SYSCTLS.filter((entry) => isSafeOn(entry, version, kernelVersion)).map((entry) => entry.name);
}

export function isSafeOn(entry: SafeSysctl, version: MinorVersion, kernelVersion?: string): boolean {
  if (!atLeast(version, entry.since)) return false;
  if (entry.minKernel && kernelVersion !== undefined && !kernelAtLeast(kernelVersion, entry.minKernel)) return false;
  return true;
}

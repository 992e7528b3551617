import { readHostSysctl } from './readers.js';

/**
 * Sysctls whose values the whole run must leave as they were: the namespaced ones the
 * scenarios tune (in the host's own namespaces) and the node-level ones the proofs touch.
 * Counters that move by themselves (file-nr, entropy) are deliberately not here.
 */
export const watchedHostSysctls = [
  'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies', 'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ping_group_range', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni',
  'kernel.sem', 'kernel.shmmax', 'kernel.shm_rmid_forced', 'fs.mqueue.msg_max', 'vm.swappiness', 'fs.file-max', 'kernel.pid_max',
] as const;

export type Snapshot = Record<string, string>;

/** The names a snapshot reads: the watched list plus the scenario's own. */
export function snapshotNames(extra: readonly string[] = []): string[] {
  return [...new Set([...watchedHostSysctls, ...extra])].sort();
}

/** Reads each name with `read`; a sysctl the kernel lacks cannot change either, so it is left out. */
export async function snapshotWith(read: (name: string) => Promise<string>, names: readonly string[]): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const name of names) {
    try {
      snapshot[name] = await read(name);
    } catch {
      // absent on this kernel
    }
  }
  return snapshot;
}

export function snapshotHost(extra: readonly string[] = []): Promise<Snapshot> {
  return snapshotWith(readHostSysctl, snapshotNames(extra));
}

export function diffSnapshots(before: Snapshot, after: Snapshot): Array<{ name: string; before: string | undefined; after: string | undefined }> {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].sort().filter((name) => before[name] !== after[name]).map((name) => ({ name, before: before[name], after: after[name] }));
}

/**
 * Entries of /proc/sys that move by themselves: counters and live figures the kernel keeps, not
 * settings anyone chose. They are left out of the host comparison, each with why. Found by diffing
 * snapshots of this machine a minute apart, idle and with clusters running (docs/host-kernel.md).
 * A pattern ending in `.*` covers everything under that name.
 */
export interface VolatileEntry {
  readonly name: string;
  readonly why: string;
}

export const VOLATILE_ENTRIES: readonly VolatileEntry[] = [
  { name: 'fs.dentry-state', why: "the dentry cache's own counters (entries, unused, age): every path lookup moves them" },
  { name: 'fs.inode-nr', why: 'inodes allocated and free: every file created, opened or evicted moves it' },
  { name: 'fs.inode-state', why: 'fs.inode-nr with more fields' },
  { name: 'fs.file-nr', why: 'file handles open now (its third field is fs.file-max, which is compared on its own)' },
  { name: 'fs.aio-nr', why: 'asynchronous I/O requests in flight' },
  { name: 'fs.dentry-negative', why: 'negative dentries counted by the cache' },
  { name: 'fs.quota.*', why: 'quota statistics (lookups, reads, writes, syncs, cache hits): counters' },
  { name: 'kernel.ns_last_pid', why: 'the last PID handed out: every new process moves it' },
  { name: 'kernel.random.uuid', why: 'a new random UUID at every read' },
  { name: 'kernel.random.entropy_avail', why: "the entropy pool's fill" },
  { name: 'kernel.pty.nr', why: 'pseudo-terminals open now' },
  { name: 'kernel.hung_task_detect_count', why: 'how many hung tasks the kernel has reported since boot' },
  { name: 'kernel.perf_event_max_sample_rate', why: 'the kernel lowers it by itself when perf interrupts take too long' },
  { name: 'net.netfilter.nf_conntrack_count', why: 'connections tracked now' },
  { name: 'net.ipv4.tcp_fastopen_key', why: 'the kernel makes a random key on first use of TCP Fast Open' },
  { name: 'vm.stat_refresh', why: 'reading it refreshes the statistics; it holds no setting' },
];

/**
 * Per-interface entries (net.ipv4.conf.<if>.*, net.ipv6.conf.<if>.*, net.ipv4.neigh.<if>.*,
 * net.ipv6.neigh.<if>.*) of an interface that is not there in both snapshots are left out too:
 * Docker adds a bridge per network and a veth per container and removes them with it, for every
 * program on the machine. Whether sysctl-bench's own networks and containers are gone is what the
 * leftover checks count. Interfaces there both times (eth0, docker0, lo) and `all` and `default`
 * are compared.
 */
export const INTERFACE_ENTRY_WHY = 'interfaces come and go with Docker networks and containers; those present before and after are compared';

const INTERFACE_ENTRY = /^net\.ipv[46]\.(conf|neigh)\.([^.]+)\./;

/** The interface a per-interface entry belongs to; undefined for other entries and for `all` and `default`. */
export function interfaceOf(name: string): string | undefined {
  const match = INTERFACE_ENTRY.exec(name);
  const iface = match?.[2];
  return iface === undefined || iface === 'all' || iface === 'default' ? undefined : iface;
}

export function volatileEntry(name: string, entries: readonly VolatileEntry[] = VOLATILE_ENTRIES): VolatileEntry | undefined {
  return entries.find((entry) => (entry.name.endsWith('.*') ? name.startsWith(entry.name.slice(0, -1)) : name === entry.name));
}

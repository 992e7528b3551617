import type { MetricDirection } from '../stats/direction.js';
import type { SysvIpcState } from './parse.js';

/**
 * The kernel counters a measurement records, read from the measured pod's own namespaces before
 * and after each repetition: the one list that names them. The metric names, their direction and
 * labels (harness/stats/direction.ts), what a threshold may name, and what a verdict cites as the
 * mechanism all come from here. Each value is what the repetition added (the delta), so a count is
 * "per repetition" (per burst, for a burst).
 */
export interface KernelCounter {
  /** The metric name a measurement records: kernel_<what>, a count per repetition. */
  readonly metric: string;
  /** The namespace it is read from: the pod's network namespace or its IPC namespace. */
  readonly namespace: 'network' | 'ipc';
  /** The kernel's names it adds up: "<Group>.<Field>" of /proc/net/{netstat,snmp}, or a SysvIpcState field. */
  readonly source: readonly string[];
  readonly direction: MetricDirection;
  /** For the report's tables and charts. */
  readonly label: string;
  /** For a verdict's sentence, with a count before it: "422 accept-queue overflows". */
  readonly noun: string;
}

const net = (metric: string, source: string | string[], direction: MetricDirection, label: string, noun: string): KernelCounter => ({
  metric: `kernel_${metric}`, namespace: 'network', source: Array.isArray(source) ? source : [source], direction, label, noun,
});
const ipc = (metric: string, source: keyof SysvIpcState, label: string, noun: string): KernelCounter => ({
  metric: `kernel_${metric}`, namespace: 'ipc', source: [source], direction: 'neutral', label, noun,
});

/** In the order a verdict cites them: the listen queue first, then retransmissions, then the rest. */
export const KERNEL_COUNTERS: readonly KernelCounter[] = [
  net('listen_overflows', 'TcpExt.ListenOverflows', 'lower-is-better', 'Accept-queue overflows (kernel, in the pod\'s network namespace)', 'accept-queue overflows'),
  net('syn_queue_drops', 'TcpExt.TCPReqQFullDrop', 'lower-is-better', 'SYNs dropped on a full SYN queue (kernel)', 'SYNs dropped on a full SYN queue'),
  net('listen_drops', 'TcpExt.ListenDrops', 'lower-is-better', 'Connection requests a listener dropped, for any reason (kernel)', 'listener drops'),
  net('syncookies_sent', 'TcpExt.SyncookiesSent', 'lower-is-better', 'SYN cookies sent: the SYN queue was full (kernel)', 'SYN cookies sent'),
  net('syn_retransmits', 'TcpExt.TCPSynRetrans', 'lower-is-better', 'SYN and SYN-ACK retransmissions (kernel)', 'SYN/SYN-ACK retransmissions'),
  net('time_wait_overflows', 'TcpExt.TCPTimeWaitOverflow', 'lower-is-better', 'Sockets closed without TIME-WAIT: tcp_max_tw_buckets reached (kernel)', 'TIME-WAIT bucket overflows'),
  net('time_wait_reused', 'TcpExt.TWRecycled', 'neutral', 'TIME-WAIT sockets reused for a new outgoing connection (kernel, tcp_tw_reuse)', 'TIME-WAIT reuses'),
  // The kernel counts TW when it schedules a socket's TIME-WAIT timer (inet_twsk_schedule), not when the timer ends.
  net('time_wait_entered', 'TcpExt.TW', 'neutral', 'Sockets that entered TIME-WAIT (kernel)', 'sockets into TIME-WAIT'),
  net('connect_failures', 'Tcp.AttemptFails', 'lower-is-better', 'Connection attempts that failed (kernel)', 'failed connection attempts'),
  net('retransmit_timeouts', 'TcpExt.TCPTimeouts', 'lower-is-better', 'Retransmission timer expiries (kernel)', 'retransmission timeouts'),
  net('segments_retransmitted', 'Tcp.RetransSegs', 'lower-is-better', 'Segments retransmitted (kernel)', 'retransmitted segments'),
  net('resets_sent', 'Tcp.OutRsts', 'lower-is-better', 'Resets sent (kernel)', 'resets sent'),
  net('aborts_on_data', 'TcpExt.TCPAbortOnData', 'lower-is-better', 'Connections reset on unexpected data (kernel)', 'resets on unexpected data'),
  net('aborts_on_close', 'TcpExt.TCPAbortOnClose', 'lower-is-better', 'Connections reset on close with unread data (kernel)', 'resets on close'),
  net('aborts_on_memory', 'TcpExt.TCPAbortOnMemory', 'lower-is-better', 'Connections aborted for lack of memory (kernel)', 'aborts for lack of memory'),
  net('aborts_on_timeout', 'TcpExt.TCPAbortOnTimeout', 'lower-is-better', 'Connections aborted after their retries timed out (kernel)', 'aborts on timeout'),
  net('aborts_on_linger', 'TcpExt.TCPAbortOnLinger', 'lower-is-better', 'Connections aborted in FIN-WAIT-2 by tcp_fin_timeout or linger (kernel)', 'aborts on linger'),
  net('backlog_drops', 'TcpExt.TCPBacklogDrop', 'lower-is-better', 'Packets dropped on a full socket backlog (kernel)', 'socket backlog drops'),
  net('receive_queue_drops', 'TcpExt.TCPRcvQDrop', 'lower-is-better', 'Packets dropped on a full receive buffer (kernel)', 'receive-buffer drops'),
  net('memory_pressures', 'TcpExt.TCPMemoryPressures', 'lower-is-better', 'Times TCP entered memory pressure (kernel)', 'TCP memory pressure events'),
  net('connections_accepted', 'Tcp.PassiveOpens', 'neutral', 'Connections peers opened to the pod (kernel, passive opens)', 'connections accepted'),
  net('connections_opened', 'Tcp.ActiveOpens', 'neutral', 'Connections the pod opened (kernel, active opens)', 'connections opened'),
  ipc('sysv_msg_queues', 'msgQueues', 'System V message queues left at the end, less those at the start (kernel)', 'message queues left behind'),
  ipc('sysv_messages', 'messages', 'Messages left in System V queues, less those at the start (kernel)', 'messages left queued'),
  ipc('sysv_msg_bytes', 'msgBytes', 'Bytes left in System V queues, less those at the start (kernel)', 'bytes left queued'),
  ipc('sysv_sem_sets', 'semSets', 'System V semaphore sets left at the end, less those at the start (kernel)', 'semaphore sets left behind'),
  ipc('sysv_shm_segments', 'shmSegments', 'System V shared memory segments left at the end, less those at the start (kernel)', 'shared memory segments left behind'),
];

const byMetric = new Map(KERNEL_COUNTERS.map((counter) => [counter.metric, counter]));

export function kernelCounter(metric: string): KernelCounter | undefined {
  return byMetric.get(metric);
}

export function isKernelMetric(metric: string): boolean {
  return byMetric.has(metric);
}

/** The metrics a measurement records from the pod's network namespace (load) or IPC namespace (ipc). */
export function kernelMetricNames(namespace: KernelCounter['namespace']): string[] {
  return KERNEL_COUNTERS.filter((counter) => counter.namespace === namespace).map((counter) => counter.metric);
}

/** The catalogue's network counters from the deltas of /proc/net/{netstat,snmp}; every one, zero when it did not move. */
export function networkMetrics(deltas: ReadonlyMap<string, number>): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const counter of KERNEL_COUNTERS) {
    if (counter.namespace !== 'network') continue;
    metrics[counter.metric] = counter.source.reduce((sum, key) => sum + (deltas.get(key) ?? 0), 0);
  }
  return metrics;
}

/** The catalogue's IPC counters: what the objects of the IPC namespace grew (or shrank) by. */
export function ipcMetrics(before: SysvIpcState, after: SysvIpcState): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const counter of KERNEL_COUNTERS) {
    if (counter.namespace !== 'ipc') continue;
    metrics[counter.metric] = counter.source.reduce((sum, key) => sum + after[key as keyof SysvIpcState] - before[key as keyof SysvIpcState], 0);
  }
  return metrics;
}

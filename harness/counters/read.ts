import type { ClusterObjects, NodeAccess } from '../provider/types.js';
import { parseProcNet, sysvIpcState, type SysvIpcState } from './parse.js';

/**
 * Reads a pod's own kernel counters. The network counters come through the pod's node: a process
 * of the pod's container, found by its container id in /proc/<pid>/cgroup (what every runtime
 * writes there: containerd, CRI-O and Docker), shows the pod's network namespace in
 * /proc/<pid>/net/{netstat,snmp}. That works for any image, a user's without a shell or `cat`
 * included, on kind (`docker exec` into the node) and on an existing cluster (a privileged
 * host-PID node agent), and it never reads the host's own namespace.
 */

/**
 * Runs on the node with only POSIX sh builtins and cat (busybox's will do). Arguments: the
 * container id, a PID that held it last time (or 0), then the files under /proc/<pid>/ to print.
 * Prints "pid <n>", then "@@ <file>" before each file's text.
 */
export const FIND_AND_READ_SCRIPT = [
  'id="$1"; hint="$2"; shift 2',
  'holds() { [ -r "/proc/$1/cgroup" ] && { while IFS= read -r line; do case "$line" in *"$id"*) return 0;; esac; done < "/proc/$1/cgroup"; } 2>/dev/null; return 1; }',
  'pid=',
  'if [ "$hint" != 0 ] && holds "$hint"; then pid="$hint"; else',
  '  for d in /proc/[0-9]*; do p="${d#/proc/}"; if holds "$p"; then pid="$p"; break; fi; done',
  'fi',
  '[ -n "$pid" ] || { echo "no process of container $id on this node" >&2; exit 3; }',
  'echo "pid $pid"',
  'for f in "$@"; do echo "@@ $f"; cat "/proc/$pid/$f" || exit 4; done',
].join('\n');

/** The id a runtime gave a container, without its scheme ("containerd://0a1b..." -> "0a1b..."). */
export function bareContainerId(containerId: string): string {
  const id = containerId.replace(/^[a-z0-9-]+:\/\//, '');
  if (!/^[0-9a-f]{12,128}$/.test(id)) throw new Error(`not a container id: "${containerId}"`);
  return id;
}

export interface ProcReading {
  pid: number;
  files: Record<string, string>;
}

/** Splits the script's output into the PID and each file's text. */
export function parseProcReading(stdout: string): ProcReading {
  const lines = stdout.split('\n');
  const first = /^pid (\d+)$/.exec(lines[0]?.trim() ?? '');
  if (!first) throw new Error(`unexpected output from the node: ${stdout.slice(0, 80)}`);
  const files: Record<string, string> = {};
  let current: string | undefined;
  for (const line of lines.slice(1)) {
    const header = /^@@ (.+)$/.exec(line);
    if (header) {
      current = header[1] as string;
      files[current] = '';
    } else if (current !== undefined) {
      files[current] += `${line}\n`;
    }
  }
  return { pid: Number(first[1]), files };
}

/** Where a reading came from, for the record and the report. */
export interface CounterSource {
  pod: string;
  node: string;
  /** How the namespace was reached: "/proc/<pid>/net/* via docker exec on node X". */
  via: string;
}

export interface NetworkReading extends CounterSource {
  pid: number;
  counters: Map<string, bigint>;
}

export const NETWORK_FILES = ['net/netstat', 'net/snmp'] as const;

/** The counters of the pod's network namespace, through its node; `pidHint` saves the search when the process still lives. */
export async function readNetworkCounters(node: NodeAccess, pod: { pod: string; containerId: string }, pidHint = 0): Promise<NetworkReading> {
  const id = bareContainerId(pod.containerId);
  const result = await node.exec(['sh', '-c', FIND_AND_READ_SCRIPT, 'sh', id, String(pidHint), ...NETWORK_FILES], { allowFailure: true });
  if (result.exitCode !== 0) throw new Error(`reading the network counters of pod ${pod.pod} on node ${node.name} failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  const reading = parseProcReading(result.stdout);
  const counters = new Map<string, bigint>();
  for (const file of NETWORK_FILES) {
    const text = reading.files[file];
    if (text === undefined) throw new Error(`the node printed no ${file} for pod ${pod.pod}`);
    for (const [key, value] of parseProcNet(text)) counters.set(key, value);
  }
  return { pod: pod.pod, node: node.name, via: `/proc/<pid>/net/{netstat,snmp} through ${node.via} on node ${node.name}`, pid: reading.pid, counters };
}

export interface IpcReading extends CounterSource {
  state: SysvIpcState;
}

const SYSV_FILES = { msg: '/proc/sysvipc/msg', sem: '/proc/sysvipc/sem', shm: '/proc/sysvipc/shm' } as const;

/**
 * The System V objects of the pod's IPC namespace. /proc/sysvipc shows the namespace of the process
 * that opens it (there is no /proc/<pid>/sysvipc), so it is read from inside the pod: the IPC apps
 * are built-in images, which carry cat.
 */
export async function readIpcState(objects: Pick<ClusterObjects, 'exec'>, pod: { pod: string; node: string }): Promise<IpcReading> {
  const tables: Record<string, string> = {};
  for (const [name, path] of Object.entries(SYSV_FILES)) {
    const out = await objects.exec(pod.pod, ['cat', path], { timeoutMs: 30_000 });
    if (!out.ok) throw new Error(`cat ${path} in pod ${pod.pod} failed: ${out.stderr || out.message || 'no output'}`);
    tables[name] = out.stdout;
  }
  return {
    pod: pod.pod, node: pod.node, via: '/proc/sysvipc/{msg,sem,shm} read inside the pod (its IPC namespace)',
    state: sysvIpcState(tables as { msg: string; sem: string; shm: string }),
  };
}

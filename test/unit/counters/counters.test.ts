import { describe, expect, it } from 'vitest';
import { isKernelMetric, KERNEL_COUNTERS, kernelCounter, kernelMetricNames, networkMetrics } from '../../../harness/counters/catalogue.js';
import { kernelMeasurement, WorkloadCounters, type Reading } from '../../../harness/counters/measurement.js';
import { counterDeltas, parseProcNet, parseSysvTable, sysvIpcState } from '../../../harness/counters/parse.js';
import { bareContainerId, FIND_AND_READ_SCRIPT, parseProcReading, readNetworkCounters } from '../../../harness/counters/read.js';
import type { NodeAccess } from '../../../harness/provider/types.js';
import { metricInfo } from '../../../harness/stats/direction.js';

const netstat = (overflows: number, drops: number, synRetrans: number) => [
  'TcpExt: SyncookiesSent SyncookiesRecv TW TWRecycled ListenOverflows ListenDrops TCPSynRetrans TCPReqQFullDrop TCPAbortOnData',
  `TcpExt: 0 0 12 0 ${overflows} ${drops} ${synRetrans} 0 3`,
  'IpExt: InNoRoutes InOctets',
  'IpExt: 0 18446744073709551615',
  '',
].join('\n');

const snmp = (passive: number) => [
  'Ip: Forwarding DefaultTTL',
  'Ip: 1 64',
  'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors',
  `Tcp: 1 200 120000 -1 0 ${passive} 0 0 1 100 100 7 0 2 0`,
].join('\n');

describe('/proc/net counter tables', () => {
  it('reads every group of netstat and snmp by <Group>.<Field>, exactly, signed gauges included', () => {
    const values = parseProcNet(`${netstat(422, 422, 9)}${snmp(1500)}`);
    expect(values.get('TcpExt.ListenOverflows')).toBe(422n);
    expect(values.get('Tcp.PassiveOpens')).toBe(1500n);
    expect(values.get('Tcp.MaxConn')).toBe(-1n);
    expect(values.get('IpExt.InOctets')).toBe(18446744073709551615n);
  });

  it('refuses a table whose name and value lines do not pair', () => {
    expect(() => parseProcNet('TcpExt: A B\nTcpExt: 1\n')).toThrow(/2 names but 1 values/);
    expect(() => parseProcNet('TcpExt: A\nIpExt: 1\n')).toThrow(/do not pair/);
    expect(() => parseProcNet('TcpExt: A\nTcpExt: x\n')).toThrow(/not a number/);
  });

  it('takes what a repetition added, and a counter that went down as reset', () => {
    const before = parseProcNet(netstat(100, 100, 5));
    const after = parseProcNet(netstat(522, 530, 14));
    const deltas = counterDeltas(before, after);
    expect(deltas.get('TcpExt.ListenOverflows')).toBe(422);
    expect(deltas.get('TcpExt.ListenDrops')).toBe(430);
    expect(deltas.get('TcpExt.TW')).toBe(0);
    expect(counterDeltas(after, before).get('TcpExt.ListenOverflows')).toBe(100);
  });
});

describe('the kernel counter catalogue', () => {
  it('names every metric kernel_<what> once, with a direction and label the report uses', () => {
    const names = KERNEL_COUNTERS.map((counter) => counter.metric);
    expect(new Set(names).size).toBe(names.length);
    for (const counter of KERNEL_COUNTERS) {
      expect(counter.metric).toMatch(/^kernel_[a-z_]+$/);
      expect(metricInfo(counter.metric)).toEqual({ direction: counter.direction, unit: 'count', label: counter.label });
      expect(isKernelMetric(counter.metric)).toBe(true);
    }
    expect(metricInfo('kernel_listen_overflows').direction).toBe('lower-is-better');
    expect(kernelCounter('kernel_listen_overflows')?.noun).toBe('accept-queue overflows');
    expect(isKernelMetric('connect_p99_ms')).toBe(false);
  });

  it('records every network counter, zero when it did not move', () => {
    const metrics = networkMetrics(new Map([['TcpExt.ListenOverflows', 422], ['Tcp.PassiveOpens', 1078]]));
    expect(Object.keys(metrics).sort()).toEqual(kernelMetricNames('network').sort());
    expect(metrics.kernel_listen_overflows).toBe(422);
    expect(metrics.kernel_connections_accepted).toBe(1078);
    expect(metrics.kernel_syn_queue_drops).toBe(0);
  });
});

describe('/proc/sysvipc tables', () => {
  const msg = [
    '       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime',
    '         0          0   600       8192          2   10    11     0     0     0     0 1700000000 1700000000 1700000000',
    '         0          1   600          0          0   10    11     0     0     0     0 1700000000 1700000000 1700000000',
  ].join('\n');
  const sem = '       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n         0          0   600        32     0     0     0     0          0 1700000000\n';
  const shm = '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n';

  it('counts objects, queued messages and bytes by column name', () => {
    expect(parseSysvTable(msg)).toHaveLength(2);
    expect(sysvIpcState({ msg, sem, shm })).toEqual({ msgQueues: 2, msgBytes: 8192, messages: 2, semSets: 1, semaphores: 32, shmSegments: 0, shmBytes: 0 });
    expect(() => parseSysvTable('nonsense')).toThrow(/not a \/proc\/sysvipc table/);
  });
});

describe('reading a pod\'s counters through its node', () => {
  it('takes the bare container id from any runtime, and refuses anything else', () => {
    expect(bareContainerId('containerd://0123456789abcdef0123')).toBe('0123456789abcdef0123');
    expect(bareContainerId('cri-o://0123456789abcdef')).toBe('0123456789abcdef');
    expect(() => bareContainerId('containerd://$(reboot)')).toThrow(/not a container id/);
  });

  it('splits the node\'s output into the PID and each file', () => {
    const reading = parseProcReading(`pid 4242\n@@ net/netstat\n${netstat(1, 2, 3)}@@ net/snmp\n${snmp(4)}\n`);
    expect(reading.pid).toBe(4242);
    expect(parseProcNet(reading.files['net/netstat'] ?? '').get('TcpExt.ListenDrops')).toBe(2n);
    expect(parseProcNet(reading.files['net/snmp'] ?? '').get('Tcp.PassiveOpens')).toBe(4n);
    expect(() => parseProcReading('sh: not found')).toThrow(/unexpected output/);
  });

  it('passes the container id and the files as arguments of a fixed script, never inside it', async () => {
    const calls: string[][] = [];
    const node: NodeAccess = {
      name: 'node-a', via: 'docker exec',
      readSysctl: async () => '', writeSysctl: async () => {}, kubeletCommandLine: async () => undefined,
      exec: async (command) => {
        calls.push([...command]);
        return { exitCode: 0, stdout: `pid 77\n@@ net/netstat\n${netstat(5, 5, 0)}@@ net/snmp\n${snmp(9)}`, stderr: '' };
      },
    };
    const reading = await readNetworkCounters(node, { pod: 'web-1', containerId: 'containerd://abcdef0123456789' }, 12);
    expect(calls[0]).toEqual(['sh', '-c', FIND_AND_READ_SCRIPT, 'sh', 'abcdef0123456789', '12', 'net/netstat', 'net/snmp']);
    expect(reading).toMatchObject({ pod: 'web-1', node: 'node-a', pid: 77 });
    expect(reading.via).toContain('docker exec on node node-a');
    expect(reading.counters.get('TcpExt.ListenOverflows')).toBe(5n);
  });

  it('says which pod and node when the node finds no process of the container', async () => {
    const node = {
      name: 'node-a', via: 'docker exec', readSysctl: async () => '', writeSysctl: async () => {}, kubeletCommandLine: async () => undefined,
      exec: async () => ({ exitCode: 3, stdout: '', stderr: 'no process of container abc on this node' }),
    } satisfies NodeAccess;
    await expect(readNetworkCounters(node, { pod: 'web-1', containerId: 'containerd://abcdef0123456789' })).rejects.toThrow(/pod web-1 on node node-a failed: no process/);
  });
});

describe('a repetition\'s kernel measurement', () => {
  const reading = (pods: Array<[string, number, number]>): Reading => ({
    namespace: 'network',
    pods: pods.map(([pod, overflows, passive]) => ({ pod, node: 'n', via: 'v', pid: 1, counters: parseProcNet(`${netstat(overflows, overflows, 0)}${snmp(passive)}`) })),
  });

  it('sums the deltas of every pod present before and after, and keeps every counter that moved', () => {
    const measured = kernelMeasurement(reading([['a', 10, 100], ['b', 0, 0]]), reading([['a', 432, 1100], ['b', 3, 500]]));
    expect(measured.metrics.kernel_listen_overflows).toBe(425);
    expect(measured.metrics.kernel_listen_drops).toBe(425);
    expect(measured.metrics.kernel_connections_accepted).toBe(1500);
    expect(measured.record.moved).toEqual({ 'Tcp.PassiveOpens': 1500, 'TcpExt.ListenDrops': 425, 'TcpExt.ListenOverflows': 425 });
    expect(measured.record.pods.map((pod) => pod.pod)).toEqual(['a', 'b']);
    expect(measured.record.problem).toBeUndefined();
  });

  it('counts only the pods present at both readings, and says which were not', () => {
    const measured = kernelMeasurement(reading([['a', 10, 0]]), reading([['a', 20, 0], ['c', 999, 0]]));
    expect(measured.metrics.kernel_listen_overflows).toBe(10);
    expect(measured.record.problem).toMatch(/c appeared during the repetition/);
  });

  it('reads IPC objects from inside the pod and records what the repetition left behind', async () => {
    const tables: Record<string, string> = {
      '/proc/sysvipc/msg': '       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n',
      '/proc/sysvipc/sem': '       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n',
      '/proc/sysvipc/shm': '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n',
    };
    const exec = async (_pod: string, command: readonly string[]) => ({ ok: true, stdout: tables[command[1] ?? ''] ?? '', stderr: '', message: undefined });
    const counters = new WorkloadCounters({
      objects: { runningPods: async () => [{ pod: 'ipc-1', node: 'n', ip: '' }], exec } as never,
      node: async () => { throw new Error('not used for IPC'); },
    }, { name: 'ipc' }, 'ipc');
    const before = await counters.read();
    tables['/proc/sysvipc/msg'] += '         0          0   600       8192          2   10    11     0     0     0     0 1 1 1\n';
    const measured = kernelMeasurement(before, await counters.read());
    expect(measured.metrics).toEqual({ kernel_sysv_msg_queues: 1, kernel_sysv_messages: 2, kernel_sysv_msg_bytes: 8192, kernel_sysv_sem_sets: 0, kernel_sysv_shm_segments: 0 });
    expect(measured.record.pods[0]?.via).toMatch(/inside the pod/);
  });
});

describe('thresholds on kernel counters', () => {
  const scenario = (threshold: string, measure: string, app = 'net-server') => [
    'apiVersion: sysctl-bench/v1', 'kind: Scenario', 'metadata: { name: t }', 'spec:',
    '  pools: [{ name: p, allowedUnsafeSysctls: ["net.*", "kernel.msg*"] }]',
    `  workloads: [{ name: w, kind: Deployment, app: ${app}, pool: p, variants: [{ name: a }, { name: b }] }]`,
    measure,
    `  thresholds: [{ workload: w, metric: ${threshold}, expect: improved }]`, '',
  ].join('\n');
  const load = '  load: [{ workload: w, mode: burst, connections: 10, duration: 5s }]';
  const ipc = '  ipc: [{ workload: w, test: msg, sizes: [64] }]';

  it('may name a counter of the namespace its workload\'s measurement reads, from the one catalogue', async () => {
    const { checkScenario } = await import('../../../harness/scenario/load.js');
    expect(checkScenario(scenario('kernel_listen_overflows', load), 's.yaml').ok).toBe(true);
    expect(checkScenario(scenario('kernel_sysv_msg_queues', ipc, 'ipc-bench'), 's.yaml').ok).toBe(true);
    const wrong = checkScenario(scenario('kernel_listen_overflows', ipc, 'ipc-bench'), 's.yaml');
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify(wrong)).toContain('no load or ipc entry of w records \\"kernel_listen_overflows\\"');
  });
});

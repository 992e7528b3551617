import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareHost } from '../../../harness/host/compare.js';
import { beginHostRun, endHostRun, readBaseline, restoreIfUnused, type Holder, type HostKernelDeps } from '../../../harness/host/guard.js';
import { nameOf, pathOf, snapshotProcSys } from '../../../harness/host/procsys.js';
import { interfaceOf, volatileEntry, VOLATILE_ENTRIES } from '../../../harness/host/volatile.js';
import { attribute, explainedByClusters, KNOWN_WRITERS, UNKNOWN_WRITER } from '../../../harness/host/writers.js';

/** A fake /proc/sys tree and state folder per test: the whole lifecycle runs on them, no root needed. */
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const bootValues: Record<string, string> = {
  'kernel/panic': '1',
  'kernel/panic_on_oops': '0',
  'vm/overcommit_memory': '0',
  'fs/file-max': '2466116',
  'fs/file-nr': '405\t0\t2466116',
  'fs/protected_regular': '0',
  'kernel/random/uuid': '8371989b-37e6-4bb5-8562-f2bf71bfd31b',
  'kernel/ns_last_pid': '3898',
  'net/core/somaxconn': '4096',
  'net/ipv4/conf/eth0/forwarding': '1',
  'net/ipv4/conf/all/forwarding': '1',
  'net/ipv6/conf/all/forwarding': '0',
  'vm/swappiness': '60',
};

function fakeMachine(values: Record<string, string> = bootValues) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-host-'));
  made.push(dir);
  const procRoot = join(dir, 'proc-sys');
  for (const [path, value] of Object.entries(values)) set(procRoot, path, value);
  const clusters = new Set<string>();
  const dead = new Set<string>();
  const deps: HostKernelDeps = {
    procRoot,
    stateDir: join(dir, 'state'),
    clusters: async () => [...clusters],
    alive: (holder: Holder) => !dead.has(holder.runId),
    lock: { stale: 2_000, update: 500, retries: 100 },
  };
  return { deps, procRoot, clusters, dead, set: (path: string, value: string) => set(procRoot, path, value), get: (path: string) => readFileSync(join(procRoot, path), 'utf8').trim() };
}

function set(root: string, path: string, value: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), `${value}\n`);
}

/** What a kind node's kubelet and systemd do to the shared kernel at start-up. */
function nodesStart(machine: ReturnType<typeof fakeMachine>) {
  machine.set('kernel/panic', '10');
  machine.set('kernel/panic_on_oops', '1');
  machine.set('vm/overcommit_memory', '1');
  machine.set('fs/file-max', '9223372036854775807');
  machine.set('fs/file-nr', '900\t0\t9223372036854775807');
  machine.set('kernel/ns_last_pid', '12177');
  machine.set('kernel/random/uuid', 'e9370c56-5e8b-41e4-833c-628cf1e76374');
  machine.set('net/ipv4/conf/veth1a2b/forwarding', '1');
}

describe('snapshots of /proc/sys', () => {
  it('reads every entry by its sysctl name, a dot inside an interface name written as /', () => {
    const machine = fakeMachine({ ...bootValues, 'net/ipv4/conf/eth0.100/rp_filter': '2' });
    const snapshot = snapshotProcSys(machine.procRoot);
    expect(snapshot['kernel.panic']).toBe('1');
    expect(snapshot['fs.file-nr']).toBe('405 0 2466116');
    expect(snapshot['net.ipv4.conf.eth0/100.rp_filter']).toBe('2');
    expect(pathOf('net.ipv4.conf.eth0/100.rp_filter', '/proc/sys')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    expect(nameOf(['net', 'ipv4', 'conf', 'eth0.100', 'rp_filter'])).toBe('net.ipv4.conf.eth0/100.rp_filter');
    expect(Object.keys(snapshot)).toHaveLength(Object.keys(bootValues).length + 1);
  });

  it('refuses a name that climbs out of the tree', () => {
    expect(() => pathOf('kernel...passwd')).toThrow(/not a sysctl name/);
  });
});

describe('the comparison', () => {
  it('leaves out counters and interfaces that came or went, and compares everything else', () => {
    const before = { 'fs.file-nr': '405 0 1', 'kernel.random.uuid': 'a', 'fs.quota.syncs': '4', 'kernel.panic': '1', 'net.ipv4.conf.eth0.forwarding': '1', 'net.ipv4.conf.br-1.forwarding': '1' };
    const after = { 'fs.file-nr': '900 0 1', 'kernel.random.uuid': 'b', 'fs.quota.syncs': '602', 'kernel.panic': '10', 'net.ipv4.conf.eth0.forwarding': '0', 'net.ipv4.conf.veth9.forwarding': '1', 'net.bridge.bridge-nf-call-iptables': '1' };
    const comparison = compareHost(before, after);
    expect(comparison.differences).toEqual([
      { name: 'kernel.panic', before: '1', after: '10' },
      { name: 'net.bridge.bridge-nf-call-iptables', before: undefined, after: '1' },
      { name: 'net.ipv4.conf.eth0.forwarding', before: '1', after: '0' },
    ]);
    expect(comparison.volatile).toBe(3);
    expect(comparison.transientInterfaces).toEqual(['br-1', 'veth9']);
  });

  it('gives every left-out counter a reason, and never leaves out a setting a node writes', () => {
    for (const entry of VOLATILE_ENTRIES) expect(entry.why.length, entry.name).toBeGreaterThan(10);
    for (const name of ['kernel.panic', 'fs.file-max', 'vm.overcommit_memory', 'fs.nr_open', 'kernel.keys.root_maxkeys', 'fs.protected_regular']) expect(volatileEntry(name)).toBeUndefined();
    expect(interfaceOf('net.ipv6.conf.all.forwarding')).toBeUndefined();
    expect(interfaceOf('net.ipv6.neigh.veth1.retrans_time')).toBe('veth1');
  });
});

describe('who changed it', () => {
  it("names the kubelet's tunables by name and value, systemd's file-max, and a proof's own writes", () => {
    expect(attribute('kernel.panic', '10').who).toMatch(/kubelet/);
    expect(attribute('vm.overcommit_memory', '1').source).toBe('node');
    expect(attribute('kernel.panic', '3').who).toBe(UNKNOWN_WRITER);
    expect(attribute('fs.file-max', '9223372036854775807').who).toMatch(/systemd as PID 1/);
    const proof = attribute('vm.swappiness', '11', new Map([['vm.swappiness', 'the node-level-shared proof']]));
    expect(proof).toMatchObject({ source: 'proof', restore: true });
    expect(explainedByClusters(proof)).toBe(true);
  });

  it("names Docker's IPv6 forwarding without undoing it", () => {
    const docker = attribute('net.ipv6.conf.all.forwarding', '1');
    expect(docker).toMatchObject({ source: 'other', restore: false });
    expect(explainedByClusters(docker)).toBe(false);
    for (const name of ['vm.overcommit_memory', 'vm.panic_on_oom', 'kernel.panic', 'kernel.panic_on_oops', 'kernel.keys.root_maxkeys', 'kernel.keys.root_maxbytes']) {
      expect(KNOWN_WRITERS.some((writer) => Array.isArray(writer.names) && writer.names.includes(name) && writer.who.includes('kubelet')), name).toBe(true);
    }
  });
});

describe('the baseline lifecycle', () => {
  it('one run: the baseline is on disk before anything changes, and what the nodes changed is put back once its clusters are gone', async () => {
    const machine = fakeMachine();
    const begin = await beginHostRun(machine.deps, 'run-a', {});
    expect(begin.earlier).toEqual([]);
    expect(begin.sharedWith).toEqual([]);
    expect(readBaseline(machine.deps.stateDir)?.values['kernel.panic']).toBe('1');

    machine.clusters.add('sb-a');
    nodesStart(machine);
    machine.clusters.delete('sb-a');

    const end = await endHostRun(machine.deps, 'run-a');
    expect(end.status).toBe('restored');
    expect(end.remaining).toEqual([]);
    expect(end.changes.map((change) => [change.name, change.found, change.restored])).toEqual([
      ['fs.file-max', '9223372036854775807', true],
      ['kernel.panic', '10', true],
      ['kernel.panic_on_oops', '1', true],
      ['vm.overcommit_memory', '1', true],
    ]);
    expect(end.changes.find((change) => change.name === 'kernel.panic')?.who).toMatch(/kubelet/);
    expect(machine.get('kernel/panic')).toBe('1');
    expect(machine.get('fs/file-max')).toBe('2466116');
    expect(end.transientInterfaces).toEqual(['veth1a2b']);
    expect(readBaseline(machine.deps.stateDir)).toBeUndefined();
    expect(readdirSync(join(machine.deps.stateDir, 'holders'))).toEqual([]);
  });

  it('two runs at once: the first to end defers to the other, the last one restores', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'run-a', { 'vm.swappiness': 'the node-level-shared proof' });
    machine.clusters.add('sb-a');
    nodesStart(machine);
    const b = await beginHostRun(machine.deps, 'run-b', {});
    expect(b.sharedWith).toEqual(['run run-a (pid ' + process.pid + ')', 'cluster sb-a']);
    expect(b.baseline.runId).toBe('run-a');
    machine.clusters.add('sb-b');
    machine.set('vm/swappiness', '11');

    machine.clusters.delete('sb-a');
    const a = await endHostRun(machine.deps, 'run-a');
    expect(a.status).toBe('deferred');
    expect(a.waitingFor).toEqual(['run run-b (pid ' + process.pid + ')', 'cluster sb-b']);
    expect(a.remaining).toEqual([]);
    expect(machine.get('kernel/panic')).toBe('10');

    machine.clusters.delete('sb-b');
    const last = await endHostRun(machine.deps, 'run-b');
    expect(last.status).toBe('restored');
    expect(last.remaining).toEqual([]);
    expect(machine.get('kernel/panic')).toBe('1');
    expect(machine.get('vm/swappiness')).toBe('60');
  });

  it('a change nothing on the machine explains fails a deferred run, by name and values', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'run-a', {});
    await beginHostRun(machine.deps, 'run-b', {});
    machine.set('net/core/somaxconn', '128');
    const a = await endHostRun(machine.deps, 'run-a');
    expect(a.status).toBe('deferred');
    expect(a.remaining).toEqual([{ name: 'net.core.somaxconn', before: '4096', after: '128' }]);
  });

  it('a run killed with its cluster up: the next run keeps its baseline, and restores it once that cluster is removed', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'killed', {});
    machine.clusters.add('sb-killed');
    nodesStart(machine);
    machine.dead.add('killed');

    const next = await beginHostRun(machine.deps, 'next', {});
    expect(next.baseline.runId).toBe('killed');
    expect(next.sharedWith).toEqual(['cluster sb-killed']);
    expect(next.earlier).toEqual([]);
    machine.clusters.delete('sb-killed'); // the next run's leftovers phase
    const end = await endHostRun(machine.deps, 'next');
    expect(end.status).toBe('restored');
    expect(end.changes.map((change) => change.name)).toContain('kernel.panic');
    expect(machine.get('kernel/panic')).toBe('1');
    expect(readdirSync(join(machine.deps.stateDir, 'holders'))).toEqual([]);
  });

  it('a run killed after its clusters went: the next run puts the host back before it takes its own baseline', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'killed', {});
    nodesStart(machine);
    machine.dead.add('killed');

    const next = await beginHostRun(machine.deps, 'next', {});
    expect(next.baseline.runId).toBe('next');
    expect(next.earlier.filter((change) => change.restored).map((change) => change.name)).toEqual(['fs.file-max', 'kernel.panic', 'kernel.panic_on_oops', 'vm.overcommit_memory']);
    expect(machine.get('vm/overcommit_memory')).toBe('0');
    expect(readBaseline(machine.deps.stateDir)?.values['kernel.panic']).toBe('1');
  });

  it('an entry that cannot be put back stays a difference, named with why', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'run-a', {});
    machine.set('net/bridge/bridge-nf-call-iptables', '1');
    machine.set('net/ipv6/conf/all/forwarding', '1');
    const end = await endHostRun(machine.deps, 'run-a');
    expect(end.remaining.map((difference) => difference.name)).toEqual(['net.bridge.bridge-nf-call-iptables']);
    // dockerd's, for some other program's IPv6 network: named, never undone, not counted against the run
    expect(end.foreign).toEqual([{ name: 'net.ipv6.conf.all.forwarding', before: '0', after: '1' }]);
    expect(end.changes.find((change) => change.name === 'net.ipv6.conf.all.forwarding')).toMatchObject({ restored: false, source: 'other', error: expect.stringMatching(/not put back/) });
    expect(end.changes.find((change) => change.name === 'net.bridge.bridge-nf-call-iptables')?.error).toMatch(/not there before/);
  });

  it('a baseline taken while a kept cluster is there says so', async () => {
    const machine = fakeMachine();
    machine.clusters.add('sb-kept');
    const begin = await beginHostRun(machine.deps, 'run-a', {});
    expect(begin.baseline.note).toMatch(/taken while cluster sb-kept was on the machine/);
  });

  it('clean restores only when nothing of sysctl-bench is left', async () => {
    const machine = fakeMachine();
    await beginHostRun(machine.deps, 'kept', {});
    machine.clusters.add('sb-kept');
    nodesStart(machine);
    await endHostRun(machine.deps, 'kept');
    expect(await restoreIfUnused(machine.deps)).toEqual({ waitingFor: ['cluster sb-kept'] });
    machine.clusters.delete('sb-kept');
    const cleaned = await restoreIfUnused(machine.deps);
    expect(cleaned && 'restored' in cleaned ? cleaned.remaining : 'waiting').toEqual([]);
    expect(machine.get('fs/file-max')).toBe('2466116');
    expect(await restoreIfUnused(machine.deps)).toBeUndefined();
  });

  it('two runs starting at the same instant: one takes the baseline, the other shares it', async () => {
    const machine = fakeMachine();
    const [a, b] = await Promise.all([beginHostRun(machine.deps, 'run-a', {}), beginHostRun(machine.deps, 'run-b', {})]);
    expect([a.sharedWith.length, b.sharedWith.length].sort()).toEqual([0, 1]);
    expect(a.baseline.runId).toBe(b.baseline.runId);
    expect(existsSync(join(machine.deps.stateDir, 'holders', 'run-a.json')) && existsSync(join(machine.deps.stateDir, 'holders', 'run-b.json'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { isValidSysctlName, isValidSysctlPattern, namespacedBy, procSysPath, toDotSeparated } from '../../../harness/policy/names.js';
import { parseMinorVersion } from '../../../harness/policy/versions.js';

const v = (text: string) => parseMinorVersion(text)!;

describe('toDotSeparated (sysctl.d slash form)', () => {
  it.each([
    ['net.core.somaxconn', 'net.core.somaxconn'],
    ['net/core/somaxconn', 'net.core.somaxconn'],
    // The first separator decides: in slash form a dot belongs to a segment (an interface name).
    ['net/ipv4/conf/eno2.100/rp_filter', 'net.ipv4.conf.eno2/100.rp_filter'],
    ['net.ipv4.conf.eno2/100.rp_filter', 'net.ipv4.conf.eno2/100.rp_filter'],
    ['kernel', 'kernel'],
    ['', ''],
  ])('%s -> %s', (input, expected) => {
    expect(toDotSeparated(input)).toBe(expected);
  });

  it('maps a dot name back to its /proc/sys file', () => {
    expect(procSysPath('net.ipv4.conf.eno2/100.rp_filter')).toBe('/proc/sys/net/ipv4/conf/eno2.100/rp_filter');
  });
});

describe('isValidSysctlName (API server)', () => {
  it.each([
    ['kernel.shm_rmid_forced', true],
    ['kernel.shmmax', true],
    ['safe-and-unsafe', true],
    ['net.ipv4.conf.eth0.rp_filter', true],
    ['foo-', false],
    ['bar..', false],
    ['.net', false],
    ['Net.core.somaxconn', false],
    ['net.core.*', false],
    ['a'.repeat(253), true],
    ['a'.repeat(254), false],
  ])('%s -> %s', (name, valid) => {
    expect(isValidSysctlName(name, v('1.34'))).toBe(valid);
  });

  // pkg/api/pod/util.go 1.23/1.24: AllowSysctlRegexContainSlash false for new pods; option gone in 1.25.
  it('accepts slash separators in new pods from 1.25, not before', () => {
    expect(isValidSysctlName('kernel/shm_rmid_forced', v('1.25'))).toBe(true);
    expect(isValidSysctlName('kernel/shm_rmid_forced', v('1.24'))).toBe(false);
    expect(isValidSysctlName('kernel/shm_rmid_forced', v('1.23'))).toBe(false);
    expect(isValidSysctlName('kernel/shm_rmid_forced', v('1.22'))).toBe(false);
  });
});

describe('isValidSysctlPattern (kubelet allowlist)', () => {
  it.each([
    ['net.*', true],
    ['kernel.shm*', true],
    ['kernel.sem', true],
    ['fs/mqueue/*', true],
    ['*', true],
    ['net.*.foo', false],
    ['net.**', false],
    [' net.*', false],
    ['', false],
  ])('%s -> %s', (pattern, valid) => {
    expect(isValidSysctlPattern(pattern)).toBe(valid);
  });
});

describe('namespacedBy', () => {
  it.each([
    ['kernel.sem', 'ipc'],
    ['kernel.shmmax', 'ipc'],
    ['kernel.shm_rmid_forced', 'ipc'],
    ['kernel.msgmax', 'ipc'],
    ['fs.mqueue.msg_max', 'ipc'],
    ['net.core.somaxconn', 'net'],
    ['kernel.semx', undefined],
    ['kernel.panic', undefined],
    ['vm.swappiness', undefined],
    ['fs.file-max', undefined],
    ['fs.mqueue', undefined],
  ])('%s -> %s', (name, namespace) => {
    expect(namespacedBy(name)).toBe(namespace);
  });
});

describe('namespacedBy before and after Kubernetes 1.29', () => {
  it.each([
    ['kernel.shmmax', 'ipc', 'ipc'],
    ['kernel.shm_rmid_forced', 'ipc', 'ipc'],
    ['kernel.msgmni', 'ipc', 'ipc'],
    ['kernel.shm', 'ipc', 'ipc'],
    // Once names, not prefixes: an unknown kernel.shm*/kernel.msg* name is no longer namespaced.
    ['kernel.shm_next_id', 'ipc', undefined],
    ['kernel.msg_next_id', 'ipc', undefined],
    ['fs.mqueue.queues_max', 'ipc', 'ipc'],
    ['net.core.somaxconn', 'net', 'net'],
  ])('%s: %s on 1.28, %s on 1.29', (name, before, after) => {
    expect(namespacedBy(name, v('1.28'))).toBe(before);
    expect(namespacedBy(name, v('1.29'))).toBe(after);
  });
});

import { describe, expect, it } from 'vitest';
import { buildAllowlist, kubeletStartupFailure, matchAllowlist, patternError, splitAllowFlag } from '../../../harness/policy/allowlist.js';
import { parseMinorVersion } from '../../../harness/policy/versions.js';

const v = (text: string) => parseMinorVersion(text)!;

const SEED_ALLOWLIST = 'kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*';

describe('allowlist pattern legality (kubelet NewAllowlist)', () => {
  it('accepts the seed article\'s five groups', () => {
    expect(buildAllowlist(splitAllowFlag(SEED_ALLOWLIST)).errors).toEqual([]);
  });

  // From 1.29 the kubelet names IPC sysctls one by one and quotes the prefix without its `*`.
  it.each([
    ['kernel.msgmax', undefined, undefined],
    ['kernel.sem', undefined, undefined],
    ['kernel.sem*', undefined, undefined],
    ['kernel.shmmax*', undefined, undefined],
    ['net.ipv4.*', undefined, undefined],
    ['net/ipv4/*', undefined, undefined],
    ['fs.mqueue.*', undefined, undefined],
    ['kernel.shm_*', undefined, 'the sysctls "kernel.shm_" are not known to be namespaced'],
    ['kernel.msgfoo', undefined, 'the sysctls "kernel.msgfoo" are not known to be namespaced'],
    ['kernel.*', 'the sysctls "kernel.*" are not known to be namespaced', 'the sysctls "kernel." are not known to be namespaced'],
    ['net*', 'the sysctls "net*" are not known to be namespaced', 'the sysctls "net" are not known to be namespaced'],
    ['*', 'the sysctls "*" are not known to be namespaced', 'the sysctls "" are not known to be namespaced'],
    ['fs.mqueue*', 'the sysctls "fs.mqueue*" are not known to be namespaced', 'the sysctls "fs.mqueue" are not known to be namespaced'],
    ['vm.swappiness', 'the sysctl "vm.swappiness" are not known to be namespaced', 'the sysctls "vm.swappiness" are not known to be namespaced'],
    ['kernel.panic', 'the sysctl "kernel.panic" are not known to be namespaced', 'the sysctls "kernel.panic" are not known to be namespaced'],
    ['fs.file-max', 'the sysctl "fs.file-max" are not known to be namespaced', 'the sysctls "fs.file-max" are not known to be namespaced'],
  ])('%s -> on 1.28: %s; on 1.29+: %s', (pattern, before, after) => {
    expect(patternError(pattern, v('1.28'))).toBe(before);
    expect(patternError(pattern, v('1.29'))).toBe(after);
    expect(patternError(pattern)).toBe(after);
  });

  it('rejects a malformed pattern with the regex in the message', () => {
    expect(patternError('net.*.core')).toBe(
      'sysctl "net.*.core" must have at most 253 characters and match regex ([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]',
    );
  });

  it('keeps spaces as pflag does, so " net.*" is illegal', () => {
    expect(splitAllowFlag('kernel.sem, net.*')).toEqual(['kernel.sem', ' net.*']);
    expect(buildAllowlist(splitAllowFlag('kernel.sem, net.*')).errors.map((e) => e.pattern)).toEqual([' net.*']);
    expect(splitAllowFlag('')).toEqual([]);
  });

  // cmd/kubelet: 1.22-1.23 app/server.go klog.ErrorS(err, "Failed to run kubelet"); 1.24 kubelet.go
  // run() prints "Error: %v" to stderr; 1.25+ component-base/cli/run.go klog.ErrorS(err, "command failed").
  // klog quotes the error with strconv.Quote.
  it.each([
    ['1.23', '"Failed to run kubelet" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"kernel.*\\" are not known to be namespaced"'],
    ['1.24', 'Error: failed to run Kubelet: failed to create kubelet: the sysctls "kernel.*" are not known to be namespaced'],
    ['1.25', '"command failed" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"kernel.*\\" are not known to be namespaced"'],
    ['1.37', '"command failed" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"kernel.\\" are not known to be namespaced"'],
  ])('gives the %s kubelet\'s start-up failure line', (version, line) => {
    const [error] = buildAllowlist(['kernel.*'], v(version)).errors;
    expect(kubeletStartupFailure(error!, v(version))).toBe(line);
  });
});

describe('allowlist matching (kubelet validateSysctl)', () => {
  const { allowlist } = buildAllowlist(splitAllowFlag(SEED_ALLOWLIST));

  it.each([
    ['kernel.msgmax', 'allowed'],
    ['kernel.msgmnb', 'allowed'],
    ['kernel.shmmax', 'allowed'],
    ['kernel.sem', 'allowed'],
    ['fs.mqueue.msg_max', 'allowed'],
    ['net.core.somaxconn', 'allowed'],
    ['kernel.panic', 'not-allowlisted'],
    ['vm.swappiness', 'not-allowlisted'],
  ])('%s -> %s', (name, kind) => {
    expect(matchAllowlist(allowlist, name, {}).kind).toBe(kind);
  });

  it('matches exact names only exactly', () => {
    const exact = buildAllowlist(['kernel.msgmax']).allowlist;
    expect(matchAllowlist(exact, 'kernel.msgmax', {}).kind).toBe('allowed');
    expect(matchAllowlist(exact, 'kernel.msgmnb', {}).kind).toBe('not-allowlisted');
  });

  it('normalises slash patterns', () => {
    const slashed = buildAllowlist(['net/core/somaxconn']).allowlist;
    expect(matchAllowlist(slashed, 'net.core.somaxconn', {}).kind).toBe('allowed');
  });

  it('refuses net.* with hostNetwork and IPC sysctls with hostIPC', () => {
    expect(matchAllowlist(allowlist, 'net.core.somaxconn', { hostNetwork: true })).toEqual({ kind: 'host-namespace', namespace: 'net' });
    expect(matchAllowlist(allowlist, 'kernel.sem', { hostIPC: true })).toEqual({ kind: 'host-namespace', namespace: 'ipc' });
    expect(matchAllowlist(allowlist, 'kernel.sem', { hostNetwork: true }).kind).toBe('allowed');
    expect(matchAllowlist(allowlist, 'net.core.somaxconn', { hostIPC: true }).kind).toBe('allowed');
  });
});

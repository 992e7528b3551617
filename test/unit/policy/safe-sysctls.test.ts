import { describe, expect, it } from 'vitest';
import { classify } from '../../../harness/policy/admission.js';
import { SAFE_SYSCTLS, safeSysctlsFor } from '../../../harness/policy/safe-sysctls.js';
import { atLeast, modelledVersions, parseMinorVersion } from '../../../harness/policy/versions.js';

const v = (text: string) => parseMinorVersion(text)!;

describe('safe sysctls per Kubernetes version', () => {
  it('lists what upstream lists, with the version and kernel that brought each', () => {
    expect(SAFE_SYSCTLS.map((s) => [s.name, s.since, s.minKernel ?? null])).toEqual([
      ['kernel.shm_rmid_forced', '1.4', null],
      ['net.ipv4.ip_local_port_range', '1.4', null],
      ['net.ipv4.tcp_syncookies', '1.4', null],
      ['net.ipv4.ping_group_range', '1.18', null],
      ['net.ipv4.ip_unprivileged_port_start', '1.22', null],
      ['net.ipv4.ip_local_reserved_ports', '1.27', '3.16'],
      ['net.ipv4.tcp_keepalive_time', '1.29', '4.5'],
      ['net.ipv4.tcp_fin_timeout', '1.29', '4.6'],
      ['net.ipv4.tcp_keepalive_intvl', '1.29', '4.5'],
      ['net.ipv4.tcp_keepalive_probes', '1.29', '4.5'],
      ['net.ipv4.tcp_rmem', '1.32', '4.15'],
      ['net.ipv4.tcp_wmem', '1.32', '4.15'],
      // v1.37.2 pkg/kubelet/sysctl/safe_sysctls.go; kernels from pkg/util/kernel/constants.go.
      ['net.ipv4.tcp_slow_start_after_idle', '1.37', '4.15'],
      ['net.ipv4.tcp_notsent_lowat', '1.37', '4.6'],
    ]);
  });

  // Every sysctl on every modelled version: safe from its `since`, unsafe (needs the allowlist) before.
  const cases = SAFE_SYSCTLS.flatMap((entry) => modelledVersions().map((version) => [entry.name, version, atLeast(v(version), entry.since)] as const));
  it.each(cases)('%s on %s is safe: %s', (name, version, safe) => {
    expect(classify(name, v(version))).toBe(safe ? 'safe' : 'unsafe');
  });

  it.each([
    ['1.22', 5], ['1.26', 5], ['1.27', 6], ['1.28', 6], ['1.29', 10], ['1.31', 10], ['1.32', 12], ['1.36', 12], ['1.37', 14],
  ])('Kubernetes %s has %i safe sysctls', (version, count) => {
    expect(safeSysctlsFor(v(version))).toHaveLength(count);
  });

  it.each(SAFE_SYSCTLS.filter((s) => s.minKernel).map((s) => [s.name, s.minKernel!] as const))(
    '%s needs kernel %s: the kubelet drops it on an older kernel',
    (name, minKernel) => {
      const [major, minor] = minKernel.split('.').map(Number) as [number, number];
      expect(safeSysctlsFor(v('1.37'), `${minKernel}.0-1-generic`)).toContain(name);
      expect(safeSysctlsFor(v('1.37'), `${major}.${minor - 1}.9`)).not.toContain(name);
    },
  );
});

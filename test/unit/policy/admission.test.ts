import { describe, expect, it } from 'vitest';
import { predictAdmission, type NodeSettings } from '../../../harness/policy/admission.js';
import { splitAllowFlag } from '../../../harness/policy/allowlist.js';

const SEED_ALLOWLIST = splitAllowFlag('kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*');
const node = (overrides: Partial<NodeSettings> = {}): NodeSettings => ({ allowedUnsafeSysctls: [], kubernetesVersion: '1.34', ...overrides });
const SEED_SYSCTLS = [
  { name: 'kernel.msgmax', value: '65536' },
  { name: 'kernel.sem', value: '32000  1024000000  10000  32000' },
];

// Upstream test/e2e/common/node/sysctl.go, each case restated as a prediction.
describe('upstream sysctl e2e cases', () => {
  it('supports a safe sysctl with no allowlist (kernel.shm_rmid_forced=1)', () => {
    const result = predictAdmission([{ name: 'kernel.shm_rmid_forced', value: '1' }], node());
    expect(result.admitted).toBe(true);
    expect(result.sysctls[0]).toMatchObject({ class: 'safe', verdict: 'allowed' });
  });

  it('rejects invalid names at the API server, naming only the invalid ones', () => {
    const result = predictAdmission([
      { name: 'foo-', value: 'bar' },
      { name: 'kernel.shmmax', value: '100000000' },
      { name: 'safe-and-unsafe', value: '100000000' },
      { name: 'bar..', value: '42' },
    ], node());
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'api-server', reason: 'Invalid' });
    expect(result.message).toContain('Invalid value: "foo-"');
    expect(result.message).toContain('Invalid value: "bar.."');
    expect(result.message).not.toContain('safe-and-unsafe');
    expect(result.message).not.toContain('kernel.shmmax');
    expect(result.sysctls.map((s) => s.verdict)).toEqual(['invalid', 'forbidden', 'forbidden', 'invalid']);
  });

  it('does not launch an unsafe sysctl the node has not allowed (SysctlForbidden)', () => {
    const result = predictAdmission([{ name: 'kernel.msgmax', value: '10000000000' }], node());
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'kubelet', reason: 'SysctlForbidden', message: 'forbidden sysctl: "kernel.msgmax" not allowlisted' });
  });

  // The e2e case "should support sysctls with slashes as separator" first appears in 1.25's
  // sysctl.go: 1.23 and 1.24 had the regex but pkg/api/pod/util.go set AllowSysctlRegexContainSlash
  // to false for new pods.
  it.each([['1.22', false], ['1.23', false], ['1.24', false], ['1.25', true], ['1.37', true]])(
    'supports slashes as separators (kernel/shm_rmid_forced) on %s: %s', (version, admitted) => {
      const result = predictAdmission([{ name: 'kernel/shm_rmid_forced', value: '1' }], node({ kubernetesVersion: version }));
      expect(result.admitted).toBe(admitted);
      if (!admitted) expect(result).toMatchObject({ rejectedBy: 'api-server', reason: 'Invalid' });
    },
  );

  it('supports an allowlisted unsafe sysctl given with slashes', () => {
    const result = predictAdmission([{ name: 'net/ipv4/ip_forward', value: '1' }], node({ allowedUnsafeSysctls: ['net.ipv4.ip_forward'] }));
    expect(result.admitted).toBe(true);
  });
});

describe('the seed article\'s workload', () => {
  it('is forbidden without the allowlist, on the first sysctl, with the fix', () => {
    const result = predictAdmission(SEED_SYSCTLS, node());
    expect(result).toMatchObject({ admitted: false, reason: 'SysctlForbidden', message: 'forbidden sysctl: "kernel.msgmax" not allowlisted' });
    expect(result.sysctls.map((s) => [s.class, s.verdict, s.fix])).toEqual([
      ['unsafe', 'forbidden', 'add kernel.msgmax to --allowed-unsafe-sysctls'],
      ['unsafe', 'forbidden', 'add kernel.sem to --allowed-unsafe-sysctls'],
    ]);
  });

  it('is admitted with the article\'s allowlist; double spaces in kernel.sem are valid', () => {
    const result = predictAdmission(SEED_SYSCTLS, node({ allowedUnsafeSysctls: SEED_ALLOWLIST, kubernetesVersion: '1.27' }));
    expect(result.admitted).toBe(true);
    expect(result.sysctls.every((s) => s.verdict === 'allowed')).toBe(true);
  });

  it('with the OpenShift CR\'s list (msgmax, msgmnb) kernel.sem is still forbidden', () => {
    const result = predictAdmission(SEED_SYSCTLS, node({ allowedUnsafeSysctls: ['kernel.msgmax', 'kernel.msgmnb'] }));
    expect(result.message).toBe('forbidden sysctl: "kernel.sem" not allowlisted');
  });
});

describe('API server rules', () => {
  it('requires a name', () => {
    const result = predictAdmission([{ name: '', value: '1' }], node());
    expect(result.sysctls[0]).toMatchObject({ verdict: 'invalid', reason: 'FieldValueRequired', message: 'spec.securityContext.sysctls[0].name: Required value' });
  });

  it('refuses duplicate names', () => {
    const result = predictAdmission([{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }], node());
    expect(result.sysctls[1]).toMatchObject({ verdict: 'invalid', reason: 'FieldValueDuplicate', message: 'spec.securityContext.sysctls[1].name: Duplicate value: "kernel.shm_rmid_forced"' });
  });

  it('refuses names longer than 253 characters', () => {
    const result = predictAdmission([{ name: `net.${'a'.repeat(250)}`, value: '1' }], node({ allowedUnsafeSysctls: ['net.*'] }));
    expect(result.sysctls[0]?.class).toBe('invalid');
    expect(result.rejectedBy).toBe('api-server');
  });

  it('names the workload object as kubectl prints it', () => {
    const result = predictAdmission([{ name: 'foo-', value: '1' }], node(), { object: { kind: 'Deployment', name: 'web', podSpecPath: 'spec.template.spec' } });
    expect(result.message).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.securityContext.sysctls[0].name: Invalid value: "foo-": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
    );
  });

  it.each([
    ['1.22', '([a-z0-9]([-_a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-_a-z0-9]*[a-z0-9])?'],
    // 1.23/1.24 print getSysctlFmt(false), the dots-only SysctlFmt, for a new pod.
    ['1.24', '([a-z0-9]([-_a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-_a-z0-9]*[a-z0-9])?'],
    ['1.25', '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$'],
  ])('prints the name regex as the %s API server does', (version, regex) => {
    const result = predictAdmission([{ name: 'foo-', value: '1' }], node({ kubernetesVersion: version }));
    expect(result.sysctls[0]?.message).toBe(`spec.securityContext.sysctls[0].name: Invalid value: "foo-": must have at most 253 characters and match regex ${regex}`);
  });

  it('lists several API errors in one bracketed message', () => {
    const result = predictAdmission([{ name: 'foo-', value: '1' }, { name: 'bar..', value: '1' }], node());
    expect(result.message).toMatch(/^Pod "pod" is invalid: \[.*foo-.*, .*bar\.\..*\]$/);
  });
});

describe('host namespaces', () => {
  const allowed = { allowedUnsafeSysctls: SEED_ALLOWLIST };

  it.each([
    ['1.28', 'kubelet', 'forbidden sysctl: "net.ipv4.ip_local_port_range" not allowed with host net enabled'],
    ['1.29', 'api-server', 'Pod "pod" is invalid: spec.securityContext.sysctls[0].name: Invalid value: "net.ipv4.ip_local_port_range": may not be specified when \'hostNetwork\' is true'],
  ])('hostNetwork with a net.* sysctl on %s is refused by the %s', (version, by, message) => {
    const result = predictAdmission([{ name: 'net.ipv4.ip_local_port_range', value: '40000 65535' }], node({ kubernetesVersion: version }), { hostNetwork: true });
    expect(result).toMatchObject({ admitted: false, rejectedBy: by, message });
  });

  it.each([
    ['1.28', 'kubelet', 'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host ipc enabled'],
    ['1.29', 'api-server', 'Pod "pod" is invalid: spec.securityContext.sysctls[0].name: Invalid value: "kernel.shm_rmid_forced": may not be specified when \'hostIPC\' is true'],
  ])('hostIPC with an IPC sysctl on %s is refused by the %s', (version, by, message) => {
    const result = predictAdmission([{ name: 'kernel.shm_rmid_forced', value: '1' }], node({ ...allowed, kubernetesVersion: version }), { hostIPC: true });
    expect(result).toMatchObject({ admitted: false, rejectedBy: by, message });
  });

  it('lets hostNetwork pods set IPC sysctls and hostIPC pods set net.* ones', () => {
    expect(predictAdmission([{ name: 'kernel.sem', value: '1 2 3 4' }], node(allowed), { hostNetwork: true }).admitted).toBe(true);
    expect(predictAdmission([{ name: 'net.core.somaxconn', value: '1024' }], node(allowed), { hostIPC: true }).admitted).toBe(true);
  });
});

describe('node-level sysctls', () => {
  it('are classed node-level and cannot be allowed', () => {
    const result = predictAdmission([{ name: 'vm.swappiness', value: '10' }], node({ allowedUnsafeSysctls: SEED_ALLOWLIST }));
    expect(result.sysctls[0]).toMatchObject({ class: 'node-level', verdict: 'forbidden', message: 'forbidden sysctl: "vm.swappiness" not allowlisted' });
    expect(result.sysctls[0]?.fix).toContain('node-level');
  });

  it('in the allowlist make the kubelet refuse to start', () => {
    const result = predictAdmission([], node({ allowedUnsafeSysctls: ['vm.swappiness'] }));
    expect(result.allowlistErrors).toEqual([{ pattern: 'vm.swappiness', message: 'the sysctls "vm.swappiness" are not known to be namespaced' }]);
  });
});

describe('runtime outcomes', () => {
  it('is unsupported when the node kernel has no such file', () => {
    const result = predictAdmission([{ name: 'net.ipv4.tcp_nope', value: '1' }], node({ allowedUnsafeSysctls: ['net.*'], kernelSysctls: new Set(['net.core.somaxconn']) }));
    expect(result.sysctls[0]).toMatchObject({ verdict: 'unsupported', reason: 'FailedCreatePodSandBox', message: 'open /proc/sys/net/ipv4/tcp_nope: no such file or directory' });
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'runtime' });
  });

  it('takes the kernel inventory as a list too', () => {
    const result = predictAdmission([{ name: 'kernel.sem', value: '1 2 3 4' }], node({ allowedUnsafeSysctls: ['kernel.sem'], kernelSysctls: ['kernel.msgmax'] }));
    expect(result.sysctls[0]?.verdict).toBe('unsupported');
  });

  it('checks the kernel inventory only after the kubelet has admitted the sysctl', () => {
    const result = predictAdmission([{ name: 'net.ipv4.tcp_nope', value: '1' }], node({ kernelSysctls: new Set() }));
    expect(result.sysctls[0]?.verdict).toBe('forbidden');
  });

  it.each([
    ['kernel.sem', '32000  1024000000  10000  32000', true],
    ['kernel.sem', '32000\t1024000000 10000 32000', true],
    // proc_dointvec writes as many numbers as given, up to the vector's four.
    ['kernel.sem', '32000 1024000000 10000', true],
    ['kernel.sem', '32000 1024000000 10000 40000', false],
    ['net.ipv4.ip_local_port_range', '1024 65535', true],
    ['net.ipv4.ip_local_port_range', '2000 2000', true],
    ['net.ipv4.ip_local_port_range', '65535 1024', false],
    ['net.ipv4.ip_local_port_range', '1024-65535', false],
    ['net.core.somaxconn', '4096', true],
    ['net.core.somaxconn', 'lots', false],
    ['kernel.msgmax', '65536', true],
    ['kernel.msgmax', '64k', false],
    ['net.ipv4.tcp_rmem', '4096 131072 6291456', true],
    ['net.ipv4.ping_group_range', '1 0', true],
    ['net.ipv4.ip_local_reserved_ports', '8080,9000-9100', true],
    ['net.ipv4.ip_local_reserved_ports', '8080;9000', false],
    ['net.ipv4.conf.all.rp_filter', 'anything', true],
  ])('%s=%s fits its shape: %s', (name, value, fits) => {
    const result = predictAdmission([{ name, value }], node({ allowedUnsafeSysctls: SEED_ALLOWLIST }));
    expect(result.admitted).toBe(fits);
    if (!fits) expect(result.sysctls[0]).toMatchObject({ verdict: 'invalid', rejectedBy: 'runtime', reason: 'InvalidSysctlValue' });
  });
});

describe('kernel version gating of the safe set', () => {
  it('drops tcp_keepalive_time on a 4.4 kernel, so it needs the allowlist', () => {
    const old = node({ kernelVersion: '4.4.0-210-generic' });
    const result = predictAdmission([{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }], old);
    expect(result.sysctls[0]).toMatchObject({ class: 'unsafe', verdict: 'forbidden' });
    expect(result.sysctls[0]?.fix).toContain('kernel >= 4.5');
    expect(predictAdmission([{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }], { ...old, allowedUnsafeSysctls: ['net.*'] }).admitted).toBe(true);
  });

  it('says which Kubernetes version makes a sysctl safe', () => {
    const result = predictAdmission([{ name: 'net.ipv4.tcp_rmem', value: '4096 131072 6291456' }], node({ kubernetesVersion: '1.31' }));
    expect(result.sysctls[0]?.fix).toBe('add net.ipv4.tcp_rmem to --allowed-unsafe-sysctls (it is safe by default only from Kubernetes 1.32)');
  });
});

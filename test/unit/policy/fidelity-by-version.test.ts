import { describe, expect, it } from 'vitest';
import { predictAdmission, type NodeSettings, type PodSettings } from '../../../harness/policy/admission.js';
import { buildAllowlist, patternError } from '../../../harness/policy/allowlist.js';
import { goQuote } from '../../../harness/policy/go-quote.js';
import { namespacedBy } from '../../../harness/policy/names.js';
import { droppedSafeSysctlLog, safeSysctlEntry, safeSysctlsFor } from '../../../harness/policy/safe-sysctls.js';
import { kernelAtLeast, parseKernelRelease, parseMinorVersion } from '../../../harness/policy/versions.js';

/**
 * Every class of upstream behaviour the model follows, at its version boundary. Each describe
 * names the Kubernetes source (k8s.io/kubernetes or k8s.io/component-helpers at that release,
 * read from the Go module proxy) the cases were taken from.
 * The API server messages (invalid names, host namespaces, duplicates, Windows pods, kubectl's
 * form) were also compared byte for byte with a v1.37.2 kube-apiserver run locally.
 */
const v = (text: string) => parseMinorVersion(text)!;
const node = (version: string, overrides: Partial<NodeSettings> = {}): NodeSettings => ({ allowedUnsafeSysctls: [], kubernetesVersion: version, ...overrides });
const one = (name: string, value = '1') => [{ name, value }];

describe('safe sysctls that 1.37 added (pkg/kubelet/sysctl/safe_sysctls.go v1.36.3 -> v1.37.2)', () => {
  it.each([['net.ipv4.tcp_slow_start_after_idle', '0'], ['net.ipv4.tcp_notsent_lowat', '16384']])(
    '%s is forbidden without an allowlist on 1.36 and admitted on 1.37',
    (name, value) => {
      expect(predictAdmission(one(name, value), node('1.36'))).toMatchObject({ admitted: false, rejectedBy: 'kubelet', message: `forbidden sysctl: "${name}" not allowlisted` });
      expect(predictAdmission(one(name, value), node('1.37')).admitted).toBe(true);
    },
  );

  // pkg/util/kernel/constants.go: TCPSlowStartAfterIdleNamespacedKernelVersion 4.15, TCPNotSentLowatNamespacedKernelVersion 4.6.
  it.each([
    ['net.ipv4.tcp_slow_start_after_idle', '4.15', '4.14.336'],
    ['net.ipv4.tcp_notsent_lowat', '4.6', '4.5.7'],
  ])('%s needs kernel %s (dropped on %s)', (name, minimum, older) => {
    expect(safeSysctlEntry(name)?.minKernel).toBe(minimum);
    expect(safeSysctlsFor(v('1.37'), `${minimum}.0`)).toContain(name);
    expect(safeSysctlsFor(v('1.37'), older)).not.toContain(name);
    expect(predictAdmission(one(name, '0'), node('1.37', { kernelVersion: older })).sysctls[0]?.fix).toContain(`kernel >= ${minimum}`);
  });
});

describe('an unknown node kernel version (safe_sysctls.go getSafeSysctlAllowlist, apimachinery version.ParseGeneric)', () => {
  it('drops every kernel-gated safe sysctl from 1.29 on, keeping the ungated ones', () => {
    expect(safeSysctlsFor(v('1.37'), 'unknown')).toEqual([
      'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
    ]);
    const result = predictAdmission(one('net.ipv4.tcp_keepalive_time', '600'), node('1.37', { kernelVersion: 'unknown' }));
    expect(result).toMatchObject({ admitted: false, rejectedBy: 'kubelet' });
    expect(result.sysctls[0]?.fix).toContain('could not read the node\'s kernel version');
  });

  it('drops only ip_local_reserved_ports on 1.27 and 1.28 (the only gated entry then)', () => {
    expect(safeSysctlsFor(v('1.28'), 'unknown')).not.toContain('net.ipv4.ip_local_reserved_ports');
    expect(safeSysctlsFor(v('1.28'), 'unknown')).toHaveLength(5);
    expect(safeSysctlsFor(v('1.26'), 'unknown')).toHaveLength(5);
    expect(droppedSafeSysctlLog(safeSysctlEntry('net.ipv4.ip_local_reserved_ports')!, v('1.28'), 'unknown'))
      .toBe('"Failed to get kernel version, dropping net.ipv4.ip_local_reserved_ports from safe sysctl list"');
  });

  it('logs what the 1.29+ kubelet logs, with the parsed version', () => {
    expect(droppedSafeSysctlLog(safeSysctlEntry('net.ipv4.tcp_rmem')!, v('1.37'), '4.14.0-1-generic'))
      .toBe('"kernel version is too old, dropping the sysctl from safe sysctl list" kernelVersion="4.14.0" sysctl="net.ipv4.tcp_rmem"');
    expect(droppedSafeSysctlLog(safeSysctlEntry('net.ipv4.tcp_rmem')!, v('1.37'), '6.1.0')).toBeUndefined();
  });

  // ParseGeneric: at least two numbers, no leading zero in the first, anything after them ignored.
  it.each([
    ['6.8.0-45-generic', [6, 8, 0]], ['v5.15', [5, 15]], [' 4.4.0 ', [4, 4, 0]], ['6.1foo', [6, 1]],
    ['6', undefined], ['06.1', undefined], ['unknown', undefined], ['', undefined],
  ])('reads the kernel release %j as %j', (text, parsed) => {
    expect(parseKernelRelease(text)).toEqual(parsed);
  });

  it('compares kernel versions component by component', () => {
    expect(kernelAtLeast('4.15.0-1-generic', '4.15')).toBe(true);
    expect(kernelAtLeast('4.9', '4.15')).toBe(false);
    expect(kernelAtLeast('10.0', '4.15')).toBe(true);
  });
});

describe('namespaces that 1.37 added (component-helpers node/util/sysctl/namespace.go v0.36.3 -> v0.37.2)', () => {
  it.each([
    ['kernel.domainname', 'uts'], ['user.max_user_namespaces', 'user'], ['user.max_inotify_watches', 'user'], ['kernel.hostname', undefined], ['user', undefined],
  ])('%s is namespaced by %s on 1.37 and by nothing on 1.36', (name, namespace) => {
    expect(namespacedBy(name, v('1.37'))).toBe(namespace);
    expect(namespacedBy(name, v('1.36'))).toBeUndefined();
  });

  it('makes user.* and kernel.domainname legal allowlist patterns from 1.37', () => {
    expect(patternError('user.*', v('1.37'))).toBeUndefined();
    expect(patternError('kernel.domainname', v('1.37'))).toBeUndefined();
    expect(patternError('user.*', v('1.36'))).toBe('the sysctls "user." are not known to be namespaced');
    expect(patternError('kernel.domainname', v('1.36'))).toBe('the sysctls "kernel.domainname" are not known to be namespaced');
    expect(patternError('user*', v('1.37'))).toBe('the sysctls "user" are not known to be namespaced');
  });

  // pkg/kubelet/sysctl/allowlist.go v1.37.2 validateSysctl: hostUsers nil or true shares the host's user namespace.
  it.each<[string, PodSettings, boolean, string?]>([
    ['no hostUsers', {}, false, 'forbidden sysctl: "user.max_user_namespaces" not allowed with host User enabled'],
    ['hostUsers: true', { hostUsers: true }, false, 'forbidden sysctl: "user.max_user_namespaces" not allowed with host User enabled'],
    ['hostUsers: false', { hostUsers: false }, true],
  ])('user.* with an allowlist and %s', (_what, pod, admitted, message) => {
    const result = predictAdmission(one('user.max_user_namespaces', '100'), node('1.37', { allowedUnsafeSysctls: ['user.*'] }), pod);
    expect(result.admitted).toBe(admitted);
    if (message) {
      expect(result).toMatchObject({ rejectedBy: 'kubelet', reason: 'SysctlForbidden', message });
      expect(result.sysctls[0]?.fix).toContain('hostUsers: false');
    }
  });

  it('leaves user.* node-level before 1.37, whatever hostUsers says', () => {
    const result = predictAdmission(one('user.max_user_namespaces', '100'), node('1.36'), { hostUsers: false });
    expect(result.sysctls[0]).toMatchObject({ class: 'node-level', verdict: 'forbidden', message: 'forbidden sysctl: "user.max_user_namespaces" not allowlisted' });
    expect(result.sysctls[0]?.fix).toContain('before Kubernetes 1.37');
  });

  it('allows an allowlisted kernel.domainname on 1.37 (the kubelet has no host-UTS check)', () => {
    expect(predictAdmission(one('kernel.domainname', 'example'), node('1.37', { allowedUnsafeSysctls: ['kernel.domainname'] }), { hostNetwork: true }).admitted).toBe(true);
    expect(predictAdmission(one('kernel.domainname', 'example'), node('1.37')).sysctls[0]?.class).toBe('unsafe');
  });
});

describe('slash-separated names and patterns (validation.go, pkg/api/pod/util.go, policy/validation, allowlist.go)', () => {
  it('1.22 (whitelist.go) takes dots-only patterns and prints the dots-only pattern regex', () => {
    expect(patternError('net/ipv4/*', v('1.22'))).toBe(
      'sysctl "net/ipv4/*" must have at most 253 characters and match regex ([a-z0-9]([-_a-z0-9]*[a-z0-9])?\\.)*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]',
    );
    expect(patternError('net/ipv4/*', v('1.23'))).toBeUndefined();
  });

  it('1.23-1.28 convert a slash pattern and name the converted one; exact names say "sysctl"', () => {
    expect(patternError('vm/swappiness', v('1.23'))).toBe('the sysctl "vm.swappiness" are not known to be namespaced');
    expect(patternError('kernel/*', v('1.28'))).toBe('the sysctls "kernel.*" are not known to be namespaced');
  });

  it('the kubelet normalises a pod\'s slash name before matching from 1.23 (1.25+ pods can carry one)', () => {
    const result = predictAdmission(one('net/ipv4/conf/eno2.100/rp_filter', '1'), node('1.25', { allowedUnsafeSysctls: ['net.ipv4.conf.eno2/100.rp_filter'] }));
    expect(result.admitted).toBe(true);
    const refused = predictAdmission(one('net/core/somaxconn', '1'), node('1.37'));
    expect(refused.message).toBe('forbidden sysctl: "net.core.somaxconn" not allowlisted');
  });

  it('the API server tells why a slash name is refused before 1.25', () => {
    const result = predictAdmission(one('kernel/shm_rmid_forced'), node('1.24'));
    expect(result.sysctls[0]?.fix).toBe('write kernel.shm_rmid_forced with dots: the API server accepts / separators in new pods only from Kubernetes 1.25');
  });
});

describe('Windows pods (validation.go validateWindows; IdentifyPodOS gate in pkg/features)', () => {
  it.each([['1.24'], ['1.37']])('%s refuses sysctls in a spec.os.name: windows pod with its own message', (version) => {
    const result = predictAdmission(one('kernel.shm_rmid_forced'), node(version), { os: 'windows', object: { kind: 'Pod', name: 'win', podSpecPath: 'spec' } });
    expect(result).toMatchObject({
      admitted: false, rejectedBy: 'api-server', reason: 'Invalid',
      message: 'Pod "win" is invalid: spec.securityContext.sysctls: Forbidden: cannot be set for a windows pod',
      kubectlMessage: 'The Pod "win" is invalid: spec.securityContext.sysctls: Forbidden: cannot be set for a windows pod',
    });
    expect(result.sysctls[0]).toMatchObject({ verdict: 'invalid', reason: 'FieldValueForbidden' });
  });

  it('1.23 drops spec.os (the gate is alpha and off), so the pod is judged like any other', () => {
    expect(predictAdmission(one('kernel.shm_rmid_forced'), node('1.23'), { os: 'windows' }).admitted).toBe(true);
  });

  it('a Deployment template names its own field path; a linux pod is unaffected', () => {
    const result = predictAdmission(one('kernel.shm_rmid_forced'), node('1.37'), { os: 'windows', object: { kind: 'Deployment', name: 'w', podSpecPath: 'spec.template.spec' } });
    expect(result.message).toBe('Deployment.apps "w" is invalid: spec.template.spec.securityContext.sysctls: Forbidden: cannot be set for a windows pod');
    expect(predictAdmission(one('kernel.shm_rmid_forced'), node('1.37'), { os: 'linux' }).admitted).toBe(true);
  });

  it('refuses an unknown spec.os.name (validateOS)', () => {
    expect(predictAdmission([], node('1.37'), { os: 'plan9' }).message).toBe('Pod "pod" is invalid: spec.os: Unsupported value: "plan9": supported values: "linux", "windows"');
  });
});

describe('messages by version', () => {
  // pkg/kubelet/sysctl/whitelist.go (1.22) vs allowlist.go (1.23+).
  it.each([['1.22', 'forbidden sysctl: "kernel.msgmax" not whitelisted'], ['1.23', 'forbidden sysctl: "kernel.msgmax" not allowlisted']])(
    'the %s kubelet says %s', (version, message) => {
      expect(predictAdmission(one('kernel.msgmax', '65536'), node(version)).message).toBe(message);
    },
  );

  // pkg/kubelet/kubelet.go rejectPod: "Pod " + message until 1.25, "Pod was rejected: " + message from 1.26.
  it.each([
    ['1.22', 'Pod forbidden sysctl: "kernel.msgmax" not whitelisted'],
    ['1.25', 'Pod forbidden sysctl: "kernel.msgmax" not allowlisted'],
    ['1.26', 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted'],
    ['1.37', 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted'],
  ])('the %s pod status.message is %s', (version, message) => {
    const result = predictAdmission(one('kernel.msgmax', '65536'), node(version), { object: { kind: 'Pod', name: 'p', podSpecPath: 'spec' } });
    expect(result.podStatusMessage).toBe(message);
    expect(result.events).toEqual([{ involvedObject: 'Pod p', type: 'Warning', reason: 'SysctlForbidden', message: result.message }]);
  });

  // kubectl cmd/util/helpers.go checkErr: "The <Kind> <name> is invalid: " and one cause per line for several.
  it('gives kubectl\'s form beside the API server\'s', () => {
    const single = predictAdmission(one('foo-'), node('1.37'), { object: { kind: 'Deployment', name: 'web', podSpecPath: 'spec.template.spec' } });
    expect(single.message).toMatch(/^Deployment\.apps "web" is invalid: spec\.template\.spec\.securityContext\.sysctls\[0\]\.name: Invalid value: "foo-": /);
    expect(single.kubectlMessage).toMatch(/^The Deployment "web" is invalid: spec\.template\.spec\.securityContext\.sysctls\[0\]\.name: Invalid value: "foo-": /);
    const several = predictAdmission([{ name: 'foo-', value: '1' }, { name: 'bar..', value: '1' }], node('1.37'));
    expect(several.kubectlMessage).toMatch(/^The Pod "pod" is invalid: \n\* spec\.securityContext\.sysctls\[0\]\.name: .*\n\* spec\.securityContext\.sysctls\[1\]\.name: /);
  });

  it('quotes as Go\'s %q does (strconv.Quote), not as JSON', () => {
    expect(goQuote('kernel.msgmax')).toBe('"kernel.msgmax"');
    expect(goQuote('a"b\\c\n\x1b\x7f\u00e9\u200b')).toBe('"a\\"b\\\\c\\n\\x1b\\x7fé\\u200b"');
    expect(buildAllowlist(['net.*"\n--v=9']).errors[0]?.message).toBe(
      'sysctl "net.*\\"\\n--v=9" must have at most 253 characters and match regex ([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]',
    );
  });

  // validation.go v1.29+: the host-namespace check runs beside Required/Invalid/Duplicate, so one entry can give two errors.
  it('lists a duplicate that also breaks the host-namespace rule twice, as the API server does', () => {
    const result = predictAdmission([{ name: 'net.core.somaxconn', value: '1' }, { name: 'net.core.somaxconn', value: '2' }], node('1.37'), { hostNetwork: true });
    expect(result.message).toBe('Pod "pod" is invalid: ['
      + 'spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when \'hostNetwork\' is true, '
      + 'spec.securityContext.sysctls[1].name: Duplicate value: "net.core.somaxconn", '
      + 'spec.securityContext.sysctls[1].name: Invalid value: "net.core.somaxconn": may not be specified when \'hostNetwork\' is true]');
  });
});

describe('1.38 (v1.38.0-beta.0: safe_sysctls.go, allowlist.go, namespace.go, check_sysctls.go unchanged from 1.37)', () => {
  it('is modelled like 1.37, while validate\'s default stays the newest release', async () => {
    const { DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED } = await import('../../../harness/policy/versions.js');
    expect([DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED]).toEqual(['1.37', '1.38']);
    expect(safeSysctlsFor(v('1.38'))).toEqual(safeSysctlsFor(v('1.37')));
    expect(predictAdmission(one('net.ipv4.tcp_notsent_lowat', '1'), node('1.38')).admitted).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { KUBELET_ENFORCED_SYSCTLS, kubeletEnforcedWarnings, parseSysctlConf } from '../../../harness/policy/node-tuning.js';

/**
 * pkg/kubelet/cm/container_manager_linux.go setupKernelTunables (v1.22.17 to v1.37.2, unchanged)
 * with the values of component-helpers/node/util/sysctl/sysctl.go; kubernetes/kubernetes#74151.
 */
describe('what the kubelet enforces on every node', () => {
  it('is these six values', () => {
    expect(Object.fromEntries([...KUBELET_ENFORCED_SYSCTLS].map(([name, value]) => [name, Number(value)]))).toEqual({
      'vm.overcommit_memory': 1, 'vm.panic_on_oom': 0, 'kernel.panic': 10, 'kernel.panic_on_oops': 1,
      'kernel.keys.root_maxkeys': 1000000, 'kernel.keys.root_maxbytes': 25000000,
    });
  });

  it('warns about a proposal that sets one to another value, with the value imposed and the protectKernelDefaults failure', () => {
    const [warning] = kubeletEnforcedWarnings([{ name: 'vm.overcommit_memory', value: '2', source: 'tuning.conf:3' }]);
    expect(warning).toMatchObject({ source: 'tuning.conf:3', sysctl: 'vm.overcommit_memory' });
    expect(warning?.message).toContain('the kubelet sets vm.overcommit_memory=1 on every start');
    expect(warning?.message).toContain('"Failed to start ContainerManager" err="invalid kernel flag: vm/overcommit_memory, expected value: 1, actual value: 2"');
  });

  it('stays quiet when the proposal already matches, reading numbers as the kernel does (010 is 8, 0xa is 10)', () => {
    expect(kubeletEnforcedWarnings([
      { name: 'kernel.panic', value: '10', source: 'a' }, { name: 'kernel.panic', value: '0xa', source: 'b' }, { name: 'kernel/panic_on_oops', value: '1', source: 'c' },
    ])).toEqual([]);
    expect(kubeletEnforcedWarnings([{ name: 'kernel.panic', value: '012', source: 'd' }])).toHaveLength(0);
    expect(kubeletEnforcedWarnings([{ name: 'kernel.panic', value: '010', source: 'e' }])).toHaveLength(1);
  });

  it('matches sysctl.d globs and the "-" prefix', () => {
    expect(kubeletEnforcedWarnings([{ name: 'kernel.panic*', value: '0', source: 'g' }]).map((w) => w.sysctl)).toEqual(['kernel.panic', 'kernel.panic_on_oops']);
    expect(kubeletEnforcedWarnings([{ name: '-vm.panic_on_oom', value: '1', source: 'h' }]).map((w) => w.sysctl)).toEqual(['vm.panic_on_oom']);
  });
});

describe('a sysctl.d proposal (sysctl.d(5), systemd-sysctl)', () => {
  it('reads key = value lines, comments, slashes, and keeps the later of two assignments', () => {
    const conf = parseSysctlConf('# capacity review\n; also a comment\nvm/overcommit_memory = 2\nkernel.panic=0\n\nkernel.panic = 5\nnot an assignment\n', '99-tuning.conf');
    expect(conf.settings.map((s) => [s.name, s.value, s.source])).toEqual([
      ['vm/overcommit_memory', '2', '99-tuning.conf:3'],
      ['kernel.panic', '5', '99-tuning.conf:6'],
    ]);
    expect(conf.warnings.map((w) => w.message)).toEqual([
      'kernel.panic is set again; systemd-sysctl applies this later value (99-tuning.conf:4 is overridden)',
      'not an assignment: systemd-sysctl ignores the line "not an assignment"',
    ]);
    expect(kubeletEnforcedWarnings(conf.settings).map((w) => `${w.source} ${w.sysctl}`)).toEqual(['99-tuning.conf:3 vm.overcommit_memory', '99-tuning.conf:6 kernel.panic']);
  });

  it('warns about a value the kernel refuses', () => {
    const conf = parseSysctlConf('vm.swappiness = 300\nnet.core.somaxconn = 4096\n', 't.conf');
    expect(conf.warnings.map((w) => w.message)).toEqual(['the kernel refuses vm.swappiness="300" (invalid argument): must be within 0..200; systemd-sysctl logs it and the node keeps the old value']);
  });
});

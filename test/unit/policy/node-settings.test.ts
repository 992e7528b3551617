import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { parseKernelSysctls, parseKubeletSettings } from '../../../harness/policy/node-settings.js';

describe('reading a node\'s allowlist', () => {
  it('reads the seed article\'s /etc/sysconfig/kubelet line', () => {
    const text = readFileSync('test/fixtures/validate/seed-sysconfig-kubelet', 'utf8');
    expect(parseKubeletSettings(text, 'f')).toEqual({
      format: 'kubelet environment file',
      patterns: ['kernel.msg*', 'kernel.shm*', 'kernel.sem', 'fs.mqueue.*', 'net.*'],
    });
  });

  it.each([
    ["KUBELET_EXTRA_ARGS='--v=2 --allowed-unsafe-sysctls=net.*'", ['net.*']],
    ['KUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=kernel.sem', ['kernel.sem']],
    ['export KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls kernel.msg*,net.*"', ['kernel.msg*', 'net.*']],
    ['# comment\nKUBELET_EXTRA_ARGS="--v=2"', []],
  ])('%s', (text, patterns) => {
    expect(parseKubeletSettings(text, 'f').patterns).toEqual(patterns);
  });

  it('reads a KubeletConfiguration', () => {
    const text = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nallowedUnsafeSysctls: ["net.*", "kernel.sem"]\n';
    expect(parseKubeletSettings(text, 'f')).toEqual({ format: 'KubeletConfiguration', patterns: ['net.*', 'kernel.sem'] });
  });

  it('reads the seed article\'s OpenShift KubeletConfig CR', () => {
    const text = [
      'apiVersion: machineconfiguration.openshift.io/v1', 'kind: KubeletConfig', 'metadata:', '  name: custom-kubelet', 'spec:',
      '  machineConfigPoolSelector:', '    matchLabels:', '      custom-kubelet: sysctl', '  kubeletConfig:', '    allowedUnsafeSysctls:',
      '      - "kernel.msgmax"', '      - "kernel.msgmnb"', '',
    ].join('\n');
    expect(parseKubeletSettings(text, 'f')).toEqual({ format: 'OpenShift KubeletConfig', patterns: ['kernel.msgmax', 'kernel.msgmnb'] });
  });

  it('says where a malformed file goes wrong', () => {
    expect(() => parseKubeletSettings('kind: KubeletConfiguration\nallowedUnsafeSysctls: net.*\n', 'k.yaml')).toThrow(UserError);
    try {
      parseKubeletSettings('kind: KubeletConfiguration\nallowedUnsafeSysctls: net.*\n', 'k.yaml');
    } catch (error) {
      expect((error as UserError).where).toBe('k.yaml:2:23');
    }
    expect(() => parseKubeletSettings('kind: Service\n', 'svc.yaml')).toThrow(/no kubelet allowlist found/);
  });
});

describe('reading a kernel inventory', () => {
  it('accepts sysctl -a, sysctl -aN and find /proc/sys output alike', () => {
    const names = parseKernelSysctls([
      'net.core.somaxconn = 4096',
      'kernel.sem',
      '/proc/sys/net/ipv4/tcp_rmem',
      '/proc/sys/net/ipv4/conf/eno2.100/rp_filter',
      '# comment',
      '',
    ].join('\n'));
    expect([...names]).toEqual(['net.core.somaxconn', 'kernel.sem', 'net.ipv4.tcp_rmem', 'net.ipv4.conf.eno2/100.rp_filter']);
  });
});

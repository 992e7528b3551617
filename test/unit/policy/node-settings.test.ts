import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { readCsvRecord } from '../../../harness/policy/allowlist.js';
import {
  parseKernelSysctls, parseKubeletSettings, parseStringSliceFlag, parseSystemdEnvironmentFile, readKernelInventory, splitSystemdWords,
} from '../../../harness/policy/node-settings.js';

describe('reading a node\'s allowlist', () => {
  it('reads the seed article\'s /etc/sysconfig/kubelet line', () => {
    const text = readFileSync('test/fixtures/validate/seed-sysconfig-kubelet', 'utf8');
    expect(parseKubeletSettings(text, 'f')).toEqual({
      format: 'kubelet environment file',
      patterns: ['kernel.msg*', 'kernel.shm*', 'kernel.sem', 'fs.mqueue.*', 'net.*'],
      warnings: [],
    });
  });

  it.each([
    ["KUBELET_EXTRA_ARGS='--v=2 --allowed-unsafe-sysctls=net.*'", ['net.*']],
    ['KUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=kernel.sem', ['kernel.sem']],
    ['KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls kernel.msg*,net.*"', ['kernel.msg*', 'net.*']],
    // systemd does not read "export": exec_context_load_environment drops the assignment.
    ['export KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls kernel.msg*,net.*"', []],
    ['# comment\nKUBELET_EXTRA_ARGS="--v=2"', []],
  ])('%s', (text, patterns) => {
    expect(parseKubeletSettings(text, 'f').patterns).toEqual(patterns);
  });

  it('reads a KubeletConfiguration', () => {
    const text = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nallowedUnsafeSysctls: ["net.*", "kernel.sem"]\n';
    expect(parseKubeletSettings(text, 'f')).toEqual({ format: 'KubeletConfiguration', patterns: ['net.*', 'kernel.sem'], warnings: [] });
  });

  it('reads the seed article\'s OpenShift KubeletConfig CR', () => {
    const text = [
      'apiVersion: machineconfiguration.openshift.io/v1', 'kind: KubeletConfig', 'metadata:', '  name: custom-kubelet', 'spec:',
      '  machineConfigPoolSelector:', '    matchLabels:', '      custom-kubelet: sysctl', '  kubeletConfig:', '    allowedUnsafeSysctls:',
      '      - "kernel.msgmax"', '      - "kernel.msgmnb"', '',
    ].join('\n');
    expect(parseKubeletSettings(text, 'f')).toEqual({ format: 'OpenShift KubeletConfig', patterns: ['kernel.msgmax', 'kernel.msgmnb'], warnings: [] });
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

/**
 * An environment file as systemd reads it (src/basic/env-file.c parse_env_file_internal; invalid
 * names dropped by exec_context_load_environment), then $KUBELET_EXTRA_ARGS split by
 * replace_env_argv (extract_first_word with EXTRACT_RELAX|EXTRACT_UNQUOTE), then the kubelet's
 * pflag StringSlice (spf13/pflag string_slice.go: encoding/csv, repeated flags append).
 */
describe('systemd EnvironmentFile rules', () => {
  const read = (text: string) => parseSystemdEnvironmentFile(text, 'env');
  const value = (text: string, name = 'A') => read(text).variables.get(name)?.value;

  it.each([
    ['A=one\nA=two\n', 'two'],
    ['A=x \\\n  y\n', 'x   y'],
    ['A="x \\\n y"\n', 'x  y'],
    ["A='a \\n b'\n", 'a \\n b'],
    ['A="a \\" \\$ \\\\ \\q"', 'a " $ \\ \\q'],
    ['A="one" "two"', 'onetwo'],
    ['A="one"two', 'onetwo'],
    ['A=  spaced value   ', 'spaced value'],
    ['A=x # not a comment', 'x # not a comment'],
    ["A='multi\nline'", 'multi\nline'],
    ['  A = x', 'x'],
    ['A=\\"quoted\\"', '"quoted"'],
  ])('%j gives %j', (text, expected) => {
    expect(value(text)).toBe(expected);
  });

  it('keeps the last assignment and says so', () => {
    const { variables, warnings } = read('KUBELET_EXTRA_ARGS=--v=2\n# comment\nKUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=net.*\n');
    expect(variables.get('KUBELET_EXTRA_ARGS')).toEqual({ name: 'KUBELET_EXTRA_ARGS', value: '--allowed-unsafe-sysctls=net.*', line: 3 });
    expect(warnings).toEqual(['env:3: KUBELET_EXTRA_ARGS is assigned again; systemd keeps this last assignment (line 1 is ignored)']);
  });

  it('ignores "export NAME=" as systemd does, and comments', () => {
    const { variables, warnings } = read('; comment\n# A=1\nexport A=2\nB=3\n');
    expect([...variables.keys()]).toEqual(['B']);
    expect(warnings[0]).toContain('systemd ignores this line: "Ignoring invalid environment assignment \'export A=2\'"');
  });

  it('lets a comment ending in a backslash swallow the next line, as systemd 252 does, with a warning', () => {
    const { variables, warnings } = read('# old setting \\\nA=1\nB=2\n');
    expect([...variables.keys()]).toEqual(['B']);
    expect(warnings[0]).toContain('systemd 252 (Debian 12, RHEL 9) reads line 2 as part of the comment');
  });

  it('splits an unquoted $VAR the way ExecStart does', () => {
    expect(splitSystemdWords('--v=2  --allowed-unsafe-sysctls="a, b"')).toEqual(['--v=2', '--allowed-unsafe-sysctls=a, b']);
    expect(splitSystemdWords("--a='x y' \\\"q")).toEqual(['--a=x y', '"q']);
    expect(splitSystemdWords('')).toEqual([]);
    expect(splitSystemdWords('"" x')).toEqual(['', 'x']);
    expect(splitSystemdWords('"unclosed value')).toEqual(['unclosed value']);
  });
});

describe('the kubelet\'s flag parser (pflag)', () => {
  it('appends repeated --allowed-unsafe-sysctls flags', () => {
    expect(parseStringSliceFlag(['--allowed-unsafe-sysctls=net.*', '--v=2', '--allowed-unsafe-sysctls', 'kernel.msg*,kernel.sem'], 'allowed-unsafe-sysctls'))
      .toEqual({ values: ['net.*', 'kernel.msg*', 'kernel.sem'], occurrences: 2 });
  });

  it('reads each value as a CSV record: quotes group, spaces stay', () => {
    expect(parseStringSliceFlag(['--allowed-unsafe-sysctls="net.*","kernel.sem"'], 'allowed-unsafe-sysctls')).toEqual({ values: ['net.*', 'kernel.sem'], occurrences: 1 });
    expect(parseStringSliceFlag(['--allowed-unsafe-sysctls=net.*, kernel.sem'], 'allowed-unsafe-sysctls')).toEqual({ values: ['net.*', ' kernel.sem'], occurrences: 1 });
  });

  it('normalises underscores and gives pflag\'s own errors', () => {
    expect(parseStringSliceFlag(['--allowed_unsafe_sysctls=net.*'], 'allowed-unsafe-sysctls')).toEqual({ values: ['net.*'], occurrences: 1 });
    expect(parseStringSliceFlag(['--allowed-unsafe-sysctls'], 'allowed-unsafe-sysctls')).toEqual({ error: 'flag needs an argument: --allowed-unsafe-sysctls' });
    expect(parseStringSliceFlag(['--allowed-unsafe-sysctls=net"x'], 'allowed-unsafe-sysctls')).toEqual({
      error: 'invalid argument "net\\"x" for "--allowed-unsafe-sysctls" flag: parse error on line 1, column 4: bare " in non-quoted-field',
    });
    expect(parseStringSliceFlag(['-allowed-unsafe-sysctls=net.*'], 'allowed-unsafe-sysctls')).toEqual({ error: 'unknown shorthand flag: \'a\' in -allowed-unsafe-sysctls=net.*' });
  });

  it('does not take another flag\'s value for its own', () => {
    expect(parseStringSliceFlag(['--node-labels', 'a=b', '--allowed-unsafe-sysctls=net.*'], 'allowed-unsafe-sysctls')).toEqual({ values: ['net.*'], occurrences: 1 });
  });

  // Cases run through Go 1.26's encoding/csv Reader.Read; these are its answers.
  it.each([
    ['net.*,kernel.msg*', ['net.*', 'kernel.msg*']],
    ['a,', ['a', '']],
    [',a', ['', 'a']],
    ['"a,b",c', ['a,b', 'c']],
    ['"a""b"', ['a"b']],
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
    ['"abc', 'parse error on line 1, column 5: extraneous or missing " in quoted-field'],
    ['"abc\n', 'parse error on line 1, column 6: extraneous or missing " in quoted-field'],
    ['"a\nb', 'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field'],
    ['"a\nb"\nc', ['a\nb']],
    ['\n\na,b', ['a', 'b']],
    ['a\nb', ['a']],
    ['é"', 'parse error on line 1, column 3: bare " in non-quoted-field'],
    ['"é"x', 'parse error on line 1, column 4: extraneous or missing " in quoted-field'],
    ['a\r\nb', ['a']],
    ['"a\r\nb"', ['a\nb']],
  ])('csv %j -> %j', (input, expected) => {
    expect(readCsvRecord(input)).toEqual(expected);
  });
});

describe('environment files end to end', () => {
  it.each([
    // issue 12: two assignments are read last-wins, as systemd keeps the last.
    ['KUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=net.*\nKUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=kernel.sem\n', ['kernel.sem']],
    // a backslash continuation line joins the flags.
    ['KUBELET_EXTRA_ARGS=--v=2 \\\n  --allowed-unsafe-sysctls=kernel.msg*,net.*\n', ['kernel.msg*', 'net.*']],
    // repeated flags append.
    ['KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.* --allowed-unsafe-sysctls=kernel.sem"', ['net.*', 'kernel.sem']],
    // quoted items in the flag's value.
    ['KUBELET_EXTRA_ARGS=\'--allowed-unsafe-sysctls="net.*","kernel.sem"\'', ['net.*', 'kernel.sem']],
    // kubeadm-flags.env comes before KUBELET_EXTRA_ARGS on ExecStart.
    ['KUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=b.x\nKUBELET_KUBEADM_ARGS=--allowed-unsafe-sysctls=net.a\n', ['net.a', 'b.x']],
  ])('%j -> %j', (text, patterns) => {
    expect(parseKubeletSettings(text, 'sysconfig').patterns).toEqual(patterns);
  });

  it('says the kubelet would not start on a flag value pflag cannot read', () => {
    // Single quotes keep the backslash; the ExecStart split turns \" into a quote the CSV reader refuses.
    expect(() => parseKubeletSettings("KUBELET_EXTRA_ARGS='--allowed-unsafe-sysctls=net.*\\\"x'\n", 'sysconfig')).toThrow(
      /the kubelet would not start: failed to parse kubelet flag: invalid argument "net\.\*\\"x" for "--allowed-unsafe-sysctls" flag: parse error on line 1, column 6: bare " in non-quoted-field/,
    );
  });

  it('loses an unclosed quote to systemd\'s split before the kubelet sees it', () => {
    expect(parseKubeletSettings('KUBELET_EXTRA_ARGS=--allowed-unsafe-sysctls=net.*"\n', 'sysconfig').patterns).toEqual(['net.*']);
  });
});

describe('a kernel inventory that is not sysctl output', () => {
  it('is ignored with a warning instead of making every sysctl unsupported', () => {
    const manifest = readKernelInventory('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n', 'pod.yaml');
    expect(manifest.names).toBeUndefined();
    expect(manifest.warnings[0]).toContain('pod.yaml is not sysctl output (no line is a sysctl name)');
    const log = readKernelInventory('error: something\nnet.core.somaxconn = 1\nwarning: x y z\nmore text here\n', 'log.txt');
    expect(log.names).toBeUndefined();
    expect(log.warnings[0]).toContain('3 of 4 lines are not sysctl names');
  });

  it('reads real output, skipping a stray line with a warning', () => {
    const inventory = readKernelInventory('sysctl: permission denied on key "fs.protected_fifos"\nnet.core.somaxconn = 4096\nkernel.sem = 1 2 3 4\nvm.swappiness = 60\n', 'sysctl-a.txt');
    expect([...inventory.names!]).toEqual(['net.core.somaxconn', 'kernel.sem', 'vm.swappiness']);
    expect(inventory.warnings).toHaveLength(1);
  });
});

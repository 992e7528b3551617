import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationReportSchema } from '../../../harness/policy/validation-report.js';

const SEED_ALLOWLIST = 'kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*';
const FIXTURES = 'test/fixtures/validate';

// bin/sysctl-bench loads every command; until all of them exist in this tree, run validate
// through an entry that registers it alone, with the same error handling.
const allCommandsPresent = ['validate', 'doctor', 'run', 'report'].every((c) => existsSync(`harness/commands/${c}.ts`));
const command = allCommandsPresent
  ? ['bin/sysctl-bench']
  : ['node_modules/.bin/node', '--import', 'tsx', 'test/unit/validate/validate-only-cli.ts'];

function validate(args: string[], stdin?: string) {
  const [exe, ...pre] = command as [string, ...string[]];
  const result = spawnSync(exe, [...pre, 'validate', ...args], { encoding: 'utf8', input: stdin ?? '', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('sysctl-bench validate (CLI)', { timeout: 60_000 }, () => {
  it('exits 1 on the seed workload without an allowlist, with the fix', () => {
    const { code, stdout } = validate([`${FIXTURES}/seed-deployment.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toContain('REJECTED');
    expect(stdout).toContain('forbidden sysctl: "kernel.msgmax" not allowlisted');
    expect(stdout).toContain('add kernel.msgmax to --allowed-unsafe-sysctls');
  });

  it('exits 0 with the seed allowlist, given by flag or by the sysconfig file', () => {
    expect(validate([`${FIXTURES}/seed-deployment.yaml`, '--allow', SEED_ALLOWLIST]).code).toBe(0);
    const viaFile = validate([`${FIXTURES}/seed-deployment.yaml`, '--kubelet-config', `${FIXTURES}/seed-sysconfig-kubelet`]);
    expect(viaFile.code).toBe(0);
    expect(viaFile.stdout).toContain('ADMITTED');
  });

  it('exits 2 on the misspelled seed, naming file:line and valule, without a stack trace', () => {
    const { code, stderr } = validate([`${FIXTURES}/seed-misspelled.yaml`, '--allow', SEED_ALLOWLIST]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${FIXTURES}/seed-misspelled.yaml:18:11`);
    expect(stderr).toContain('valule');
    expect(stderr).toContain('did you mean "value"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('reads standard input with -', () => {
    const { code, stdout } = validate(['-', '--allow', SEED_ALLOWLIST], `${workloadWith('net.core.somaxconn', '4096')}---\n${workloadWith('vm.swappiness', '10')}`);
    expect(code).toBe(1);
    expect(stdout).toContain('<stdin>:1');
    expect(stdout).toContain('vm.swappiness is node-level');
  });

  it('reads a folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(join(folder, 'a.yaml'), workloadWith('kernel.shm_rmid_forced', '1'));
    writeFileSync(join(folder, 'b.yml'), workloadWith('net.ipv4.ip_unprivileged_port_start', '80'));
    writeFileSync(join(folder, 'notes.txt'), 'not yaml: [');
    const { code, stdout } = validate([folder]);
    expect(code).toBe(0);
    expect(stdout).toContain('2 workload(s): 2 admitted');
  });

  it('writes the documented JSON contract', () => {
    const { code, stdout } = validate([`${FIXTURES}/seed-deployment.yaml`, '--format', 'json', '--k8s-version', '1.27']);
    expect(code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(stdout));
    expect(report).toMatchObject({ schemaVersion: 1, kubernetesVersion: '1.27', allowedUnsafeSysctls: [], allowlistErrors: [], errors: [] });
    expect(report.workloads[0]).toMatchObject({ kind: 'Deployment', namespace: 'default', name: 'ipc-app', admitted: false, reason: 'SysctlForbidden' });
    expect(report.workloads[0]?.sysctls.map((s) => [s.name, s.class, s.verdict])).toEqual([['kernel.msgmax', 'unsafe', 'forbidden'], ['kernel.sem', 'unsafe', 'forbidden']]);
  });

  it('exits 2 with allowlistErrors filled for an illegal allowlist', () => {
    const { code, stdout } = validate([`${FIXTURES}/seed-deployment.yaml`, '--allow', 'kernel.*', '--format', 'json']);
    expect(code).toBe(2);
    const report = ValidationReportSchema.parse(JSON.parse(stdout));
    expect(report.allowlistErrors).toEqual([{
      pattern: 'kernel.*',
      message: 'the sysctls "kernel." are not known to be namespaced',
      kubeletLog: '"command failed" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"kernel.\\" are not known to be namespaced"',
    }]);
  });

  it('marks a sysctl the node kernel lacks as unsupported', () => {
    const folder = mkdtempSync(join(tmpdir(), 'kernel-'));
    writeFileSync(join(folder, 'sysctls.txt'), 'kernel.msgmax = 8192\nkernel.msgmnb = 16384\n');
    const { code, stdout } = validate([`${FIXTURES}/seed-deployment.yaml`, '--allow', SEED_ALLOWLIST, '--kernel-sysctls', join(folder, 'sysctls.txt'), '--format', 'json']);
    expect(code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(stdout));
    expect(report.workloads[0]?.sysctls[1]).toMatchObject({ name: 'kernel.sem', verdict: 'unsupported', message: 'open /proc/sys/kernel/sem: no such file or directory' });
  });

  // Issue 10 acceptance: 1.37 made tcp_slow_start_after_idle safe (pkg/kubelet/sysctl/safe_sysctls.go).
  it('admits net.ipv4.tcp_slow_start_after_idle without an allowlist on 1.37, not on 1.36', () => {
    const pod = workloadWith('net.ipv4.tcp_slow_start_after_idle', '0');
    expect(validate(['-', '--k8s-version', '1.37'], pod).code).toBe(0);
    const old = validate(['-', '--k8s-version', '1.36'], pod);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('it is safe by default only from Kubernetes 1.37');
  });

  it('refuses at the API server what Pod Security forbids, whatever the allowlist; a Namespace in the stream sets its own policy', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: open\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n';
    const inOpen = workloadWith('net.core.somaxconn', '4096').replace('metadata:\n', 'metadata:\n  namespace: open\n');
    const { code, stdout } = validate(['-', '--allow', 'net.*', '--pod-security', 'baseline', '--format', 'json'], `${workloadWith('net.core.somaxconn', '4096')}---\n${namespace}---\n${inOpen}`);
    expect(code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(stdout));
    expect(report.podSecurity).toEqual({ enforce: 'baseline:latest', warn: 'baseline:latest', audit: 'privileged:latest' });
    expect(report.namespaces).toEqual([{ name: 'open', source: '<stdin>:14', podSecurity: { enforce: 'privileged:latest', warn: 'privileged:latest', audit: 'privileged:latest' } }]);
    expect(report.workloads.map((w) => [w.namespace, w.admitted, w.reason])).toEqual([[null, false, 'Forbidden'], ['open', true, null]]);
    expect(report.workloads[0]).toMatchObject({
      message: 'pods "p-net-core-somaxconn" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (net.core.somaxconn)',
      kubectlMessage: 'Error from server (Forbidden): error when creating "STDIN": pods "p-net-core-somaxconn" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (net.core.somaxconn)',
    });
    expect(report.workloads[0]?.podSecurity?.rolloutNote).toContain('a kubelet allowlist cannot fix that');
  });

  it('exits 2 on a Namespace whose Pod Security label the API server refuses', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad\n  labels:\n    pod-security.kubernetes.io/enforce: strict\n';
    const { code, stderr } = validate(['-'], namespace);
    expect(code).toBe(2);
    expect(stderr).toContain('the API server refuses this Namespace: Namespace "bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict"');
  });

  it('warns about node tuning the kubelet reverts (--sysctl-conf), and about a kernel inventory that is not one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tuning-'));
    writeFileSync(join(folder, '99-capacity.conf'), '# capacity review\nvm.overcommit_memory = 2\nvm.swappiness = 10\n');
    writeFileSync(join(folder, 'inventory.txt'), 'apiVersion: v1\nkind: ConfigMap\n');
    const { code, stdout, stderr } = validate([
      `${FIXTURES}/seed-deployment.yaml`, '--allow', SEED_ALLOWLIST, '--sysctl-conf', join(folder, '99-capacity.conf'), '--kernel-sysctls', join(folder, 'inventory.txt'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('1 admitted, 0 rejected; 2 warning(s)');
    expect(stderr).toContain(`warning: ${join(folder, '99-capacity.conf')}:2: the kubelet sets vm.overcommit_memory=1 on every start`);
    expect(stderr).toContain('is not sysctl output (no line is a sysctl name): it is ignored');
  });

  it('judges a node whose kubelet cannot read its kernel version (--kernel-version unknown)', () => {
    const { code, stdout } = validate(['-', '--kernel-version', 'unknown'], workloadWith('net.ipv4.tcp_keepalive_time', '600'));
    expect(code).toBe(1);
    expect(stdout).toContain('could not read the node\'s kernel version');
    expect(validate(['-', '--kernel-version', 'sixish'], workloadWith('net.ipv4.tcp_keepalive_time', '600')).code).toBe(2);
  });

  it.each([
    [['--k8s-version', '1.99', `${FIXTURES}/seed-deployment.yaml`], '--k8s-version 1.99'],
    [[], 'no manifests given'],
    [['missing.yaml'], 'missing.yaml: cannot read'],
    [[`${FIXTURES}/seed-deployment.yaml`, '--kubelet-config', 'nope.conf'], 'nope.conf: cannot read'],
  ])('exits 2 on wrong input %j', (args, text) => {
    const { code, stderr } = validate(args);
    expect(code).toBe(2);
    expect(stderr).toContain(text);
  });
});

function workloadWith(name: string, value: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-${name.replaceAll('.', '-').replaceAll('_', '-')}\nspec:\n  securityContext:\n    sysctls:\n    - name: ${name}\n      value: "${value}"\n  containers:\n  - name: c\n    image: busybox\n`;
}

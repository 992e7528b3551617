import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWorkloads } from '../../../harness/manifests/read-workloads.js';
import { parseMinorVersion } from '../../../harness/policy/versions.js';
import { validateScenarioText } from '../../../harness/scenario/as-workloads.js';
import { cli, pod, readStdinText } from './helpers.js';

// Class: a wrong green or a wrong red. What kubectl refuses is refused with its words; what it
// accepts is accepted; an input with nothing to judge is not a pass.

const workload = (apiVersion: string, kind: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: []\n`;

describe('kinds and apiVersions as kubectl maps them', { timeout: 120_000 }, () => {
  it.each([
    ['apps/v1', 'Deploymnet', 'did you mean kind: Deployment?'],
    ['v1', 'Deployment', 'Deployment is served as apiVersion: apps/v1'],
    ['app/v1', 'Deployment', 'use apiVersion: apps/v1'],
    ['apps/v1beta1', 'Deployment', 'use apiVersion: apps/v1'],
    ['apps/v2', 'StatefulSet', 'use apiVersion: apps/v1'],
  ])('refuses apiVersion %s kind %s with "no matches for kind" and the fix', (apiVersion, kind, fix) => {
    const result = readWorkloads(workload(apiVersion, kind), 'w.yaml');
    expect(result.templates).toEqual([]);
    expect(result.problems).toEqual([{ source: 'w.yaml:1:1', message: expect.stringContaining(`no matches for kind "${kind}" in version "${apiVersion}"`), fix }]);
  });

  it('refuses batch/v1beta1 CronJobs from Kubernetes 1.25 on, not before', () => {
    const cronJob = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: []}\n';
    expect(readWorkloads(cronJob, 'c.yaml', { kubernetesVersion: parseMinorVersion('1.24')! }).templates).toHaveLength(1);
    expect(readWorkloads(cronJob, 'c.yaml', { kubernetesVersion: parseMinorVersion('1.25')! }).problems[0]?.message).toContain('no longer serve batch/v1beta1');
  });

  it('passes over custom resources, whatever their kind, and reads a ReplicationController', () => {
    expect(readWorkloads(workload('apps.kruise.io/v1beta1', 'StatefulSet'), 'k.yaml')).toMatchObject({ templates: [], problems: [] });
    expect(readWorkloads(workload('v1', 'ReplicationController'), 'rc.yaml').templates).toHaveLength(1);
  });

  it('refuses an object without apiVersion, as kubectl does', () => {
    expect(readWorkloads('kind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n', 'p.yaml').problems).toEqual([
      { source: 'p.yaml:1:1', message: 'Pod object has no apiVersion', fix: 'add apiVersion: v1' },
    ]);
  });
});

describe('YAML as kubectl reads it', { timeout: 120_000 }, () => {
  it('applies a merge key (<<) instead of calling it an unknown field', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  <<: {hostIPC: true}\n  securityContext:\n    sysctls: [{name: kernel.msgmax, value: "65536"}]\n  containers: []\n';
    const result = readWorkloads(text, 'm.yaml');
    expect(result.problems).toEqual([]);
    expect(result.templates[0]).toMatchObject({ hostIPC: true, sysctls: [{ name: 'kernel.msgmax' }] });
  });

  it('lets a later merge overwrite an earlier key, and earlier maps of a merge list win, as go-yaml does', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  <<: [{hostNetwork: false}, {hostNetwork: true, hostIPC: true}]\n  containers: []\n';
    const result = readWorkloads(text, 'm.yaml');
    expect(result.problems).toEqual([]);
    expect(result.templates[0]).toMatchObject({ hostNetwork: false, hostIPC: true });
  });

  it('refuses a merge key on something that is not a mapping, with go-yaml\'s words', () => {
    const result = readWorkloads('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  <<: 3\n  containers: []\n', 'm.yaml');
    expect(result.problems[0]?.message).toBe('map merge requires map or sequence of maps as the value');
  });

  it('refuses a Latin-1 byte with its offset instead of reading U+FFFD', async () => {
    const read = await readStdinText(Buffer.concat([Buffer.from(pod('ok')), Buffer.from('---\napiVersion: v1\nkind: Pod\nmetadata: {name: caf'), Buffer.from([0xe9]), Buffer.from('}\n')]));
    expect(read.problems).toEqual([expect.objectContaining({ source: expect.stringMatching(/^<stdin>:\d+:\d+$/), message: expect.stringMatching(/not UTF-8.*byte 0xE9.*byte offset \d+/) })]);
    expect(JSON.stringify(read.templates)).not.toContain('\ufffd');
  });
});

describe('an input with nothing to judge is an input error (exit 2), not a pass', { timeout: 120_000 }, () => {
  it.each([
    ['empty standard input', '', 'the input is empty'],
    ['a Service-only stream', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', 'no workload in 1 document(s)'],
  ])('%s', (_what, stdin, message) => {
    const { code, stderr } = cli(['validate', '-'], stdin);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('fix:');
  });

  it('checks a scenario given to validate as a scenario, and judges its workloads on their own pools', () => {
    const { code, stdout, stderr } = cli(['validate', 'scenarios/net-backlog.yaml', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { workloads: { source: string; name: string; admitted: boolean }[] };
    expect(report.workloads.length).toBeGreaterThan(0);
    expect(report.workloads.every((w) => w.source.startsWith('scenarios/net-backlog.yaml:') && w.name.includes('(pool '))).toBe(true);
  });
});

describe('scenario workloads as validate sees them', { timeout: 120_000 }, () => {
  it('reports a scenario\'s problems with their places, and no workloads', () => {
    const text = readFileSync('scenarios/net-backlog.yaml', 'utf8').replace(/timeout: \S+/, 'timeout: 1h');
    const result = validateScenarioText(text, 'b.yaml');
    expect(result.workloads).toEqual([]);
    expect(result.problems[0]).toMatchObject({ source: expect.stringMatching(/^b\.yaml:\d+:\d+$/), message: expect.stringContaining('spec.load[0]: the load generator would refuse this load') });
  });

  it('judges a variant the scenario expects refused as refused, on its pool\'s allowlist', () => {
    const text = [
      'apiVersion: sysctl-bench/v1', 'kind: Scenario', 'metadata: {name: t}', 'spec:',
      '  pools: [{name: open, allowedUnsafeSysctls: ["kernel.msg*"]}, {name: closed}]',
      '  workloads:',
      '  - {name: ipc, kind: Deployment, app: ipc-bench, pool: "*", variants: [{name: tuned, sysctls: {kernel.msgmax: "65536"}}]}',
      '',
    ].join('\n');
    const result = validateScenarioText(text, 't.yaml');
    expect(result.problems).toEqual([]);
    expect(result.workloads.map((w) => [w.name.split(' ')[0], w.admitted])).toEqual([['ipc-tuned-open', true], ['ipc-tuned-closed', false]]);
  });
});

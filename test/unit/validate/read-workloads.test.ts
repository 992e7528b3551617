import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWorkloads } from '../../../harness/manifests/read-workloads.js';

const podSpec = (indent: string, sysctls = '- name: net.core.somaxconn\n  value: "4096"') => [
  `${indent}securityContext:`,
  `${indent}  sysctls:`,
  ...sysctls.split('\n').map((line) => `${indent}  ${line}`),
  `${indent}containers:`,
  `${indent}- name: c`,
  `${indent}  image: busybox`,
].join('\n');

const workload = (kind: string, apiVersion: string) => {
  const head = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\n  namespace: ns\n`;
  if (kind === 'Pod') return `${head}spec:\n${podSpec('  ')}\n`;
  if (kind === 'CronJob') return `${head}spec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec('          ')}\n`;
  return `${head}spec:\n  template:\n    spec:\n${podSpec('      ')}\n`;
};

describe('readWorkloads', () => {
  it.each([
    ['Pod', 'v1', 'spec'],
    ['Deployment', 'apps/v1', 'spec.template.spec'],
    ['StatefulSet', 'apps/v1', 'spec.template.spec'],
    ['DaemonSet', 'apps/v1', 'spec.template.spec'],
    ['ReplicaSet', 'apps/v1', 'spec.template.spec'],
    ['Job', 'batch/v1', 'spec.template.spec'],
    ['CronJob', 'batch/v1', 'spec.jobTemplate.spec.template.spec'],
  ])('reads the sysctls of a %s', (kind, apiVersion, podSpecPath) => {
    const result = readWorkloads(workload(kind, apiVersion), 'w.yaml');
    expect(result.problems).toEqual([]);
    expect(result.templates).toEqual([{
      source: 'w.yaml:1', kind, namespace: 'ns', name: 'w', podSpecPath, hostNetwork: false, hostIPC: false,
      sysctls: [{ name: 'net.core.somaxconn', value: '4096', source: expect.stringMatching(/^w\.yaml:\d+:\d+$/) }],
    }]);
  });

  it('reads multi-document streams and Lists, passing over other kinds', () => {
    const text = [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{port: 80}]',
      workload('Deployment', 'apps/v1'),
      `apiVersion: v1\nkind: List\nitems:\n- ${workload('Pod', 'v1').split('\n').join('\n  ')}`,
      '',
    ].join('\n---\n');
    const result = readWorkloads(text, 'm.yaml');
    expect(result.problems).toEqual([]);
    expect(result.templates.map((t) => [t.kind, t.source])).toEqual([['Deployment', 'm.yaml:8'], ['Pod', 'm.yaml:28']]);
  });

  it('reads hostNetwork and hostIPC, and a missing namespace as null', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  hostIPC: true\n  containers: []\n';
    expect(readWorkloads(text, 'p.yaml').templates[0]).toMatchObject({ hostNetwork: true, hostIPC: true, namespace: null, sysctls: [] });
  });

  it('catches the seed article\'s `valule` with line, column and the intended field', () => {
    const result = readWorkloads(readFileSync('test/fixtures/validate/seed-misspelled.yaml', 'utf8'), 'seed-misspelled.yaml');
    expect(result.templates).toEqual([]);
    expect(result.problems).toEqual([{
      source: 'seed-misspelled.yaml:18:11',
      message: 'unknown field "valule" in spec.template.spec.securityContext.sysctls[0]; did you mean "value"?',
      fix: 'rename "valule" to "value"',
    }]);
  });

  it.each([
    ['the pod spec', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwrok: true\n  containers: []\n', 'p.yaml:5:3', 'unknown field "hostNetwrok" in spec; did you mean "hostNetwork"?'],
    ['the security context', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctl: []\n', 'p.yaml:6:5', 'unknown field "sysctl" in spec.securityContext; did you mean "sysctls"?'],
    ['the workload spec', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  templat:\n    spec: {}\n', 'p.yaml:5:3', 'unknown field "templat" in spec; did you mean "template"?'],
    ['the template', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    specs: {}\n', 'p.yaml:6:5', 'unknown field "specs" in spec.template; did you mean "spec"?'],
    ['the object', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspek: {}\n', 'p.yaml:4:1', 'unknown field "spek" in Pod; did you mean "spec"?'],
  ])('reports an unknown field in %s', (_where, text, source, message) => {
    const problems = readWorkloads(text, 'p.yaml').problems;
    expect(problems[0]).toMatchObject({ source, message });
  });

  it('refuses numbers where the API wants strings, with the fix', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.msgmax\n      value: 65536\n';
    expect(readWorkloads(text, 'p.yaml').problems).toEqual([{
      source: 'p.yaml:8:14', message: 'spec.securityContext.sysctls[0].value must be a string, got 65536', fix: 'quote it: value: "65536"',
    }]);
  });

  it('reports a missing value, a missing spec and a non-boolean hostNetwork', () => {
    const noValue = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.msgmax\n';
    expect(readWorkloads(noValue, 'p.yaml').problems[0]?.message).toBe('spec.securityContext.sysctls[0] has no value');
    expect(readWorkloads('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n', 'd.yaml').problems[0]?.message).toBe('missing spec.template');
    expect(readWorkloads('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: "yes"\n', 'p.yaml').problems[0]?.message).toBe('spec.hostNetwork must be true or false');
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = readWorkloads('kind: Pod\nspec: [unclosed\n', 'bad.yaml').problems;
    expect(problems[0]?.source).toMatch(/^bad\.yaml:\d+:\d+$/);
    expect(problems[0]?.message).toMatch(/^not valid YAML/);
  });

  it('resolves YAML anchors', () => {
    const text = 'x: &sc\n  sysctls:\n  - name: kernel.sem\n    value: "1 2 3 4"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.sem\n      value: "1 2 3 4"\n';
    const result = readWorkloads(text, 'a.yaml');
    expect(result.problems.map((p) => p.message)).toEqual(['object has no kind']);
    expect(result.templates).toHaveLength(1);
  });

  it('keeps stream positions when a document needs the full YAML parser (helm template output)', () => {
    const text = [
      '---',
      '# Source: chart/templates/configmap.yaml',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: &meta',
      '  name: cfg',
      'data:',
      '  run.sh: |',
      '    echo hi',
      '---',
      '# Source: chart/templates/pod.yaml',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  securityContext:',
      '    sysctls:',
      '    - name: kernel.sem',
      '      valu: "1 2 3 4"',
      '',
    ].join('\n');
    expect(readWorkloads(text, 'h.yaml').problems).toEqual([expect.objectContaining({ source: 'h.yaml:20:7' })]);
    const slow = text.replace('  name: p', '  name: &n p');
    expect(readWorkloads(slow, 'h.yaml').problems).toEqual([expect.objectContaining({ source: 'h.yaml:20:7' })]);
  });

  it('reads JSON manifests', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { securityContext: { sysctls: [{ name: 'kernel.sem', value: '1 2 3 4' }] } } }, null, 2);
    const result = readWorkloads(json, 'p.json');
    expect(result.problems).toEqual([]);
    expect(result.templates[0]?.sysctls).toEqual([{ name: 'kernel.sem', value: '1 2 3 4', source: 'p.json:10:9' }]);
  });
});

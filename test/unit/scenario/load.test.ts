import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { scenarioJsonSchemaText, SCENARIO_JSON_SCHEMA_PATH } from '../../../harness/scenario/json-schema.js';
import { checkScenario, loadScenario, type ScenarioProblem } from '../../../harness/scenario/load.js';

const EXAMPLE = 'test/fixtures/validate/scenario-example.yaml';
const exampleText = readFileSync(EXAMPLE, 'utf8');

function problemsFor(text: string): ScenarioProblem[] {
  const result = checkScenario(text, 's.yaml');
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

const minimal = (spec: string) => `apiVersion: sysctl-bench/v1\nkind: Scenario\nmetadata:\n  name: t\nspec:\n${spec}`;
const BASE = [
  '  pools:',
  '    - name: p',
  '      allowedUnsafeSysctls: ["net.*"]',
  '  workloads:',
  '    - name: web',
  '      kind: Deployment',
  '      app: net-server',
  '      pool: p',
  '      variants:',
  '        - name: baseline',
  '',
].join('\n');

describe('loadScenario', () => {
  it('loads the documented example with defaults filled', () => {
    const scenario = loadScenario(EXAMPLE);
    expect(scenario.metadata.name).toBe('net-backlog');
    expect(scenario.spec.pools.map((p) => p.name)).toEqual(['net-allowed', 'strict']);
    expect(scenario.spec.workloads[1]?.variants[0]).toEqual({ name: 'baseline', sysctls: {} });
    expect(scenario.spec.workloads[0]?.settings).toEqual({ backlog: 65535, acceptRate: 200 });
    expect(scenario.spec.repetitions).toBe(3);
  });

  it('fills defaults on a minimal scenario', () => {
    const result = checkScenario(minimal(BASE), 's.yaml');
    expect(result.ok && result.scenario.spec).toMatchObject({ kubernetesVersion: '1.37', layout: 'shared', repetitions: 3, warmup: 1 });
  });

  it('throws a UserError for an unreadable file', () => {
    expect(() => loadScenario('nope.yaml')).toThrow(UserError);
  });

  it('reports an unknown field with line, column and the intended name', () => {
    const text = exampleText.replace('      mode: burst', '      mdoe: burst');
    const problems = problemsFor(text);
    const line = text.split('\n').findIndex((l) => l.includes('mdoe')) + 1;
    expect(problems).toContainEqual({
      where: `s.yaml:${line}:7`, field: 'spec.load[0].mdoe', message: 'unknown field "mdoe"; did you mean "mode"?', fix: 'rename "mdoe" to "mode"',
    });
  });

  it('reports every problem at once, in file order', () => {
    const text = minimal(BASE.replace('kind: Deployment', 'kind: Deploymnet').replace('pool: p\n', 'pool: q\n') + '  repetitions: 0\n');
    const problems = problemsFor(text);
    expect(problems.map((p) => p.field)).toEqual(['spec.workloads[0].kind', 'spec.repetitions']);
    expect(problems[0]).toMatchObject({ where: 's.yaml:11:13', fix: 'use "Deployment"' });
  });

  it('reports a missing required field at its parent', () => {
    const problems = problemsFor(minimal(BASE.replace('      app: net-server\n', '')));
    expect(problems).toEqual([{ where: 's.yaml:10:7', field: 'spec.workloads[0].app', message: 'missing required field "app"', fix: 'add app' }]);
  });

  it('tells to quote numeric sysctl values', () => {
    const problems = problemsFor(minimal(BASE.replace('        - name: baseline', '        - name: baseline\n          sysctls: { net.core.somaxconn: 4096 }')));
    expect(problems[0]).toMatchObject({ field: 'spec.workloads[0].variants[0].sysctls.net.core.somaxconn', fix: 'quote it: "4096"' });
  });

  it.each([
    ['an unknown pool', BASE.replace('pool: p\n', 'pool: q\n'), 'spec.workloads[0].pool', 'no pool named "q"; defined: p'],
    ['an illegal allowlist', BASE.replace('["net.*"]', '["kernel.*"]'), 'spec.pools[0].allowedUnsafeSysctls[0]', 'the kubelet would not start: the sysctls "kernel." are not known to be namespaced'],
    ['replicas on a DaemonSet', BASE.replace('kind: Deployment', 'kind: DaemonSet').replace('pool: p\n', 'pool: p\n      replicas: 2\n'), 'spec.workloads[0].replicas', 'a DaemonSet runs one pod per node: remove replicas'],
    // ipc/ipc_sysctl.c proc_ipc_sem_dointvec: SEMMNI above IPCMNI is refused (ERANGE).
    ['a bad sysctl value', BASE.replace('        - name: baseline', '        - name: baseline\n          sysctls: { kernel.sem: "1 2 3 40000" }'), 'spec.workloads[0].variants[0].sysctls.kernel.sem', 'value "1 2 3 40000" for kernel.sem: SEMMNI (the fourth number, 40000) must be within 0..32768'],
    ['a bad sysctl name', BASE.replace('        - name: baseline', '        - name: baseline\n          sysctls: { "Net.Core": "1" }'), 'spec.workloads[0].variants[0].sysctls.Net.Core', '"Net.Core" is not a valid sysctl name (dot-separated lowercase segments, e.g. net.core.somaxconn)'],
    ['a duplicate variant', BASE.replace('        - name: baseline', '        - name: baseline\n        - name: baseline'), 'spec.workloads[0].variants[1].name', 'variant "baseline" is defined twice'],
    ['load on a missing workload', `${BASE}  load:\n    - workload: api\n      mode: burst\n      connections: 10\n      duration: 5s\n`, 'spec.load[0].workload', 'no workload named "api"; defined: web'],
    ['rate mode without a rate', `${BASE}  load:\n    - workload: web\n      mode: rate\n      duration: 5s\n`, 'spec.load[0].rate', 'missing required field "rate"'],
    ['ipc on a net-server', `${BASE}  ipc:\n    - workload: web\n      test: sem\n      semopsPerCall: [10]\n`, 'spec.ipc[0].workload', 'ipc tests run on ipc-bench workloads; web runs net-server'],
    ['node-level-shared on a namespaced sysctl', `${BASE}  isolation:\n    - check: node-level-shared\n      sysctl: net.core.somaxconn\n`, 'spec.isolation[0].sysctl', 'net.core.somaxconn is namespaced; node-level-shared needs a node-level sysctl such as vm.swappiness'],
    ['admission on a missing variant', `${BASE}  admission:\n    - workload: web\n      variant: tuned\n      expect: forbidden\n`, 'spec.admission[0].variant', 'no variant named "tuned"; defined: baseline'],
    ['an unmodelled version', `  kubernetesVersion: "1.12"\n${BASE}`, 'spec.kubernetesVersion', 'must be between 1.22 and 1.38'],
    ['a bad duration', `${BASE}  load:\n    - workload: web\n      mode: burst\n      connections: 10\n      duration: soon\n`, 'spec.load[0].duration', expect.stringContaining('must be a duration such as 500ms, 20s, 5m or 1h')],
    ['a burst lasting past loadgen\'s bound', `${BASE}  load:\n    - workload: web\n      mode: burst\n      connections: 10\n      duration: 99999h\n`, 'spec.load[0].duration', 'must be below 10m (got 99999h): loadgen bounds every run to 600 s, and a burst ends when its connections have finished or failed'],
  ])('refuses %s', (_what, spec, field, message) => {
    const problems = problemsFor(minimal(spec));
    expect(problems).toContainEqual(expect.objectContaining({ field, message }));
    expect(problems.every((p) => /^s\.yaml:\d+:\d+$/.test(p.where))).toBe(true);
  });

  it('puts every problem in the UserError, the first as where', () => {
    try {
      loadScenario('test/fixtures/validate/seed-deployment.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).where).toMatch(/seed-deployment\.yaml:\d+:\d+/);
      expect((error as UserError).describe()).toContain('apiVersion');
    }
  });
});

describe('published JSON Schema', () => {
  it('matches the schema (regenerate: npx tsx harness/scenario/write-json-schema.ts)', () => {
    expect(readFileSync(SCENARIO_JSON_SCHEMA_PATH, 'utf8')).toBe(scenarioJsonSchemaText());
  });
});

describe('misspelled required fields', () => {
  it('are reported once, as the misspelling', () => {
    const problems = problemsFor(minimal(BASE.replace('      app: net-server', '      ap: net-server')));
    expect(problems).toEqual([{ where: 's.yaml:12:7', field: 'spec.workloads[0].ap', message: 'unknown field "ap"; did you mean "app"?', fix: 'rename "ap" to "app"' }]);
  });
});

describe('fields the run pipeline uses', () => {
  it('accepts hostNetwork/hostIPC, pool *, ipc seconds, variant-less admission and procedures', () => {
    const spec = BASE.replace('      pool: p\n', '      pool: "*"\n      hostNetwork: false\n      hostIPC: false\n') + [
      '  admission:', '    - workload: web', '      expect: admitted',
      '  procedures:',
      '    - kind: runbook', '      pool: p', '      workload: web', '      allowedUnsafeSysctls: ["kernel.msg*", "net.*"]',
      '    - kind: illegal-allowlist', '      pool: p', '      allowedUnsafeSysctls: ["kernel.*"]', '',
    ].join('\n');
    const result = checkScenario(minimal(spec), 's.yaml');
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a runbook without a workload', '    - kind: runbook\n      pool: p\n      allowedUnsafeSysctls: ["net.*"]\n', 'spec.procedures[0].workload', 'a runbook needs the workload whose pod it admits'],
    ['a runbook with an illegal allowlist', '    - kind: runbook\n      pool: p\n      workload: web\n      allowedUnsafeSysctls: ["kernel.*"]\n', 'spec.procedures[0].allowedUnsafeSysctls[0]', 'the kubelet would not start: the sysctls "kernel." are not known to be namespaced'],
    ['an illegal-allowlist with a legal list', '    - kind: illegal-allowlist\n      pool: p\n      allowedUnsafeSysctls: ["net.*"]\n', 'spec.procedures[0].allowedUnsafeSysctls', 'illegal-allowlist needs at least one pattern the kubelet refuses, e.g. kernel.*'],
  ])('refuses %s', (_what, procedure, field, message) => {
    expect(problemsFor(minimal(`${BASE}  procedures:\n${procedure}`))).toContainEqual(expect.objectContaining({ field, message }));
  });
});

describe('spec.kubernetesVersion: one version or a list (issue 10, issue 12)', () => {
  it('takes a list and keeps the first as the version the pipeline reads', () => {
    const result = checkScenario(minimal(`  kubernetesVersion: ["1.36", "1.37"]\n${BASE}`), 's.yaml');
    expect(result.ok && result.scenario.spec).toMatchObject({ kubernetesVersion: '1.36', kubernetesVersions: ['1.36', '1.37'] });
    const single = checkScenario(minimal(`  kubernetesVersion: "1.37"\n${BASE}`), 's.yaml');
    expect(single.ok && single.scenario.spec).toMatchObject({ kubernetesVersion: '1.37', kubernetesVersions: ['1.37'] });
  });

  // YAML reads 1.30 as the number 1.3: the fix quotes what was written.
  it('tells to quote 1.30 as "1.30", not "1.3"', () => {
    expect(problemsFor(minimal(`  kubernetesVersion: 1.30\n${BASE}`))).toContainEqual({
      where: 's.yaml:6:22', field: 'spec.kubernetesVersion', message: 'expected a string or an array, got number 1.3', fix: 'quote it: "1.30"',
    });
    expect(problemsFor(minimal(`  kubernetesVersion: ["1.37", 1.30]\n${BASE}`))).toContainEqual(expect.objectContaining({
      field: 'spec.kubernetesVersion[1]', message: 'expected a string, got number 1.3', fix: 'quote it: "1.30"',
    }));
  });

  it.each([
    ['"1.30"', 'spec.kubernetesVersion', 'Kubernetes 1.30 cannot be run here: run brings up 1.37, 1.36, 1.35, 1.34 (validate judges 1.22 to 1.38 without a cluster)'],
    ['["1.37", "1.37"]', 'spec.kubernetesVersion[1]', 'Kubernetes 1.37 is listed twice'],
    ['["1.36", "1.39"]', 'spec.kubernetesVersion[1]', 'must be between 1.22 and 1.38'],
  ])('refuses %s: what run would refuse, plan refuses', (value, field, message) => {
    expect(problemsFor(minimal(`  kubernetesVersion: ${value}\n${BASE}`))).toContainEqual(expect.objectContaining({ field, message }));
  });

  it('checks allowlists against every listed version (user.* is legal from 1.37 only)', () => {
    const spec = BASE.replace('["net.*"]', '["user.*"]');
    expect(checkScenario(minimal(`  kubernetesVersion: "1.37"\n${spec}`), 's.yaml').ok).toBe(true);
    expect(problemsFor(minimal(`  kubernetesVersion: ["1.36", "1.37"]\n${spec}`))).toContainEqual(expect.objectContaining({
      field: 'spec.pools[0].allowedUnsafeSysctls[0]', message: 'the kubelet would not start: the sysctls "user." are not known to be namespaced (Kubernetes 1.36)',
    }));
  });
});

describe('spec.podSecurity', () => {
  it('takes the namespace labels', () => {
    const result = checkScenario(minimal(`  podSecurity: { enforce: baseline, enforceVersion: v1.37, warn: restricted }\n${BASE}`), 's.yaml');
    expect(result.ok && result.scenario.spec.podSecurity).toEqual({ enforce: 'baseline', enforceVersion: 'v1.37', warn: 'restricted' });
  });

  it.each([
    ['{ enforce: strict }', 'spec.podSecurity.enforce'],
    ['{ enforce: baseline, enforceVersion: "1.37" }', 'spec.podSecurity.enforceVersion'],
  ])('refuses %s', (value, field) => {
    expect(problemsFor(minimal(`  podSecurity: ${value}\n${BASE}`))).toContainEqual(expect.objectContaining({ field }));
  });
});

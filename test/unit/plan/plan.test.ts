import { describe, expect, it } from 'vitest';
import { buildPlan, clusterNamer, type PlanInputs } from '../../../harness/plan/plan.js';
import { plannedKindNodes } from '../../../harness/provider/kind/config.js';
import { interleave, loadSpec, durationMs } from '../../../harness/measure/schedule.js';
import { loadScenario } from '../../../harness/scenario/load.js';
import type { Scenario } from '../../../harness/scenario/schema.js';

const images = { 'net-server': 'sysctl-bench/net-server:t', 'ipc-bench': 'sysctl-bench/ipc-bench:t', gateway: 'sysctl-bench/gateway:t', pullPolicy: 'Never' as const };
const inputs = (scenario: Scenario, extra: Partial<PlanInputs> = {}): PlanInputs => ({
  images, clusterName: clusterNamer(scenario.metadata.name, 'ab12'), serviceType: 'NodePort', ...extra,
});
const withKernel = (scenario: Scenario, kernelSysctls: ReadonlySet<string>): PlanInputs => inputs(scenario, {
  facts: { kubernetesVersion: scenario.spec.kubernetesVersion, pools: [], kernelSysctls },
});
// A kernel inventory as the nodes' kernel reports it: the misspelled name is absent.
const kernel = new Set(['net.core.somaxconn', 'net.ipv4.ip_local_port_range', 'kernel.shm_rmid_forced', 'kernel.msgmax', 'kernel.sem', 'vm.swappiness']);

describe('buildPlan on the admission matrix', () => {
  const scenario = loadScenario('scenarios/admission-matrix.yaml');
  const plan = buildPlan(scenario, withKernel(scenario, kernel));
  const expected = (workload: string, variant: string, pool: string) =>
    plan.deployments.find((d) => d.workload === workload && d.variant === variant && d.pool === pool)?.expected;

  it('puts every variant of a "*" workload on every pool, in one cluster', () => {
    expect(plan.clusters).toHaveLength(1);
    expect(plan.clusters[0]?.pools.map((pool) => pool.name)).toEqual(['none', 'net', 'seed']);
    expect(plan.deployments).toHaveLength(3 * 2 * 3);
    expect(new Set(plan.deployments.map((d) => d.name)).size).toBe(plan.deployments.length);
  });

  it('admits safe sysctls on every node, allowlisted ones only where allowed', () => {
    for (const pool of ['none', 'net', 'seed']) expect(expected('plain', 'safe', pool)).toBe('admitted');
    expect(expected('net', 'somaxconn', 'none')).toBe('forbidden');
    expect(expected('net', 'somaxconn', 'net')).toBe('admitted');
    expect(expected('ipc', 'seed', 'net')).toBe('forbidden');
    expect(expected('ipc', 'seed', 'seed')).toBe('admitted');
  });

  it('forbids node-level sysctls everywhere, and a misspelled one fails at the runtime where it is allowlisted', () => {
    for (const pool of ['none', 'net', 'seed']) expect(expected('ipc', 'node-level', pool)).toBe('forbidden');
    expect(expected('net', 'misspelled', 'none')).toBe('forbidden');
    expect(expected('net', 'misspelled', 'net')).toBe('unsupported');
  });

  it('names nodes as kind does, with each worker\'s kubelet flags', () => {
    const nodes = plannedKindNodes(plan);
    const name = 'sb-admission-matrix-ab12';
    expect(nodes.map((node) => node.name)).toEqual([`${name}-control-plane`, `${name}-worker`, `${name}-worker2`, `${name}-worker3`]);
    expect(nodes[2]?.kubeletFlags).toContain('--allowed-unsafe-sysctls=net.*');
  });
});

describe('buildPlan layouts', () => {
  it('makes one cluster per pool with layout per-pool', () => {
    const scenario = loadScenario('scenarios/default.yaml');
    const plan = buildPlan({ ...scenario, spec: { ...scenario.spec, layout: 'per-pool' } }, inputs(scenario));
    expect(plan.clusters.map((cluster) => cluster.pools.length)).toEqual([1, 1, 1]);
    const web = plan.deployments.find((d) => d.workload === 'web');
    expect(web?.cluster).toBe('sb-default-net-ab12');
    expect(web?.retained).toBe(true);
    expect(plan.deployments.find((d) => d.workload === 'strict-net')?.retained).toBe(false);
  });
});

describe('measurement scheduling', () => {
  it('alternates which variant goes first (A B, B A, ...)', () => {
    expect(interleave(['a', 'b'], 0)).toEqual(['a', 'b']);
    expect(interleave(['a', 'b'], 1)).toEqual(['b', 'a']);
  });

  it('scales load down but keeps it bounded', () => {
    const spec = loadSpec({ workload: 'web', mode: 'burst', connections: 1500, duration: '30s', timeout: '10s' }, 'http://172.18.0.2:30000/', 0.2);
    expect(spec).toMatchObject({ mode: 'burst', connections: 300, connectTimeoutMs: 10_000 });
    const rate = loadSpec({ workload: 'web', mode: 'rate', rate: 400, duration: '10s' }, 'http://172.18.0.2:30000/', 0.5);
    expect(rate).toMatchObject({ mode: 'rate', rate: 200, durationMs: 5_000 });
  });

  it('reads durations', () => {
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('20s')).toBe(20_000);
    expect(durationMs('2m')).toBe(120_000);
    expect(() => durationMs('soon')).toThrow(/not a duration/);
  });
});

describe('kind-configs/', () => {
  it('holds the configs the shipped scenarios generate (regenerate: bin/sysctl-bench plan <scenario> --kind-config kind-configs)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { kindConfigFiles } = await import('../../../harness/commands/plan.js');
    for (const file of readdirSync('scenarios').filter((name) => name.endsWith('.yaml'))) {
      const scenario = loadScenario(`scenarios/${file}`);
      const plan = buildPlan(scenario, inputs(scenario, { clusterName: clusterNamer(scenario.metadata.name, '', `sb-${scenario.metadata.name}`) }));
      for (const [name, text] of Object.entries(kindConfigFiles(plan))) {
        expect(readFileSync(`kind-configs/${name}`, 'utf8'), name).toBe(text);
      }
    }
  });
});

describe('buildPlan with several Kubernetes versions', () => {
  const scenario = loadScenario('scenarios/version-matrix.yaml');
  const plan = buildPlan(scenario, inputs(scenario));

  it('plans a cluster per version, named with it, the first version measured', () => {
    expect(plan.kubernetesVersions).toEqual(['1.37', '1.36']);
    expect(plan.kubernetesVersion).toBe('1.37');
    expect(plan.clusters.map((cluster) => [cluster.name, cluster.kubernetesVersion])).toEqual([
      ['sb-version-matrix-1-37-ab12', '1.37'], ['sb-version-matrix-1-36-ab12', '1.36'],
    ]);
    expect(buildPlan(scenario, inputs(scenario, { clusterName: clusterNamer('version-matrix', '', 'mine') })).clusters.map((cluster) => cluster.name))
      .toEqual(['mine-1-37', 'mine-1-36']);
  });

  it('deploys every workload on each version, predicted for that version: tcp_slow_start_after_idle is safe from 1.37', () => {
    const rows = plan.deployments.map((d) => [d.kubernetesVersion, d.cluster, d.variant, d.expected]);
    expect(rows).toEqual([
      ['1.37', 'sb-version-matrix-1-37-ab12', 'none', 'admitted'], ['1.37', 'sb-version-matrix-1-37-ab12', 'slow-start-off', 'admitted'],
      ['1.36', 'sb-version-matrix-1-36-ab12', 'none', 'admitted'], ['1.36', 'sb-version-matrix-1-36-ab12', 'slow-start-off', 'forbidden'],
    ]);
    expect(plan.deployments.at(-1)?.prediction.reason).toBe('SysctlForbidden');
  });

  it('retains workloads for measurement on the first version only', () => {
    const withLoad: Scenario = { ...scenario, spec: { ...scenario.spec, load: [{ workload: 'idle' } as never] } };
    const retained = buildPlan(withLoad, inputs(withLoad)).deployments.map((d) => [d.kubernetesVersion, d.retained]);
    expect(retained).toEqual([['1.37', true], ['1.37', true], ['1.36', false], ['1.36', false]]);
  });

  it('plans the one version an existing cluster runs, whatever the scenario lists', () => {
    const one = buildPlan(scenario, inputs(scenario, { facts: { kubernetesVersion: '1.36', pools: [], kernelSysctls: undefined } }));
    expect(one.kubernetesVersions).toEqual(['1.36']);
    expect(one.clusters.map((cluster) => cluster.name)).toEqual(['sb-version-matrix-ab12']);
  });
});

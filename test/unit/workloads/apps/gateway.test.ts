import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../../harness/plan/plan.js';
import { checkScenario, loadScenario, parseScenario } from '../../../../harness/scenario/load.js';
import { workloadApp } from '../../../../harness/workloads/apps/index.js';
import { podTemplate, serviceObject } from '../../../../harness/workloads/manifest.js';

const images = { 'net-server': 'sb/net-server:1', 'ipc-bench': 'sb/ipc-bench:1', gateway: 'sb/gateway:1', pullPolicy: 'Never' as const };

const scenario = (gateway: string, backend = '{ name: backend, kind: Deployment, app: net-server, pool: p, settings: { keepAlive: 1 }, variants: [{ name: server }] }') => [
  'apiVersion: sysctl-bench/v1', 'kind: Scenario', 'metadata: { name: churn }', 'spec:',
  '  pools: [{ name: p, allowedUnsafeSysctls: ["net.ipv4.tcp_tw_reuse"] }, { name: q }]',
  '  workloads:',
  `    - ${backend}`,
  `    - ${gateway}`,
  '  load: [{ workload: gateway, mode: rate, rate: 10, duration: 5s }]', '',
].join('\n');
const gateway = (extra = 'upstream: backend') => `{ name: gateway, kind: Deployment, app: gateway, ${extra}, pool: p, variants: [{ name: baseline }, { name: tw-reuse, sysctls: { net.ipv4.tcp_tw_reuse: "1" } }] }`;
const problems = (text: string) => {
  const result = checkScenario(text, 's.yaml');
  return result.ok ? [] : result.problems.map((problem) => `${problem.field}: ${problem.message}`);
};

describe('app gateway: calls its upstream on a new connection per request', () => {
  it('is a built-in app measured by load, serving 8080 behind a Service, ready on /healthz', () => {
    expect(workloadApp('gateway')).toMatchObject({ measuredBy: 'load', image: 'built-in', upstream: 'required' });
    const deployment = buildPlan(parseScenario(scenario(gateway()), 's.yaml'), { images, clusterName: () => 'c', serviceType: 'ClusterIP' })
      .deployments.find((entry) => entry.name === 'gateway-tw-reuse');
    if (!deployment) throw new Error('no deployment');
    expect(deployment.image).toBe('sb/gateway:1');
    const container = podTemplate(deployment).spec?.containers[0];
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 8080 });
    expect(serviceObject(deployment, 'ns')?.spec?.ports?.[0]?.port).toBe(8080);
  });

  it('gets its upstream\'s Service as UPSTREAM, and the upstream stays as long as it does', () => {
    const plan = buildPlan(parseScenario(scenario(gateway()), 's.yaml'), { images, clusterName: () => 'c', serviceType: 'ClusterIP' });
    for (const deployment of plan.deployments.filter((entry) => entry.workload === 'gateway')) {
      expect(deployment.upstream).toBe('backend-server:8080');
      expect(podTemplate(deployment).spec?.containers[0]?.env).toContainEqual({ name: 'UPSTREAM', value: 'backend-server:8080' });
    }
    // Nothing measures the backend, but the gateway calls it: it is not removed after admission.
    expect(plan.deployments.find((entry) => entry.workload === 'backend')?.retained).toBe(true);
  });

  it('on every pool, calls the upstream of its own pool', () => {
    const text = scenario(gateway().replace('pool: p', 'pool: "*"'), '{ name: backend, kind: Deployment, app: net-server, pool: "*", variants: [{ name: server }] }')
      .replace('allowedUnsafeSysctls: ["net.ipv4.tcp_tw_reuse"] }, { name: q }', 'allowedUnsafeSysctls: ["net.ipv4.tcp_tw_reuse"] }, { name: q, allowedUnsafeSysctls: ["net.ipv4.tcp_tw_reuse"] }');
    const plan = buildPlan(parseScenario(text, 's.yaml'), { images, clusterName: () => 'c', serviceType: 'ClusterIP' });
    expect(plan.deployments.filter((entry) => entry.workload === 'gateway').map((entry) => [entry.pool, entry.upstream]))
      .toEqual([['p', 'backend-server-p:8080'], ['p', 'backend-server-p:8080'], ['q', 'backend-server-q:8080'], ['q', 'backend-server-q:8080']]);
  });

  it('refuses an upstream it cannot call, saying what to do', () => {
    expect(problems(scenario(gateway('replicas: 1')))).toEqual([expect.stringMatching(/upstream: app gateway calls an upstream: name the workload it calls/)]);
    expect(problems(scenario(gateway('upstream: nope')))).toEqual([expect.stringMatching(/no workload named "nope"/)]);
    expect(problems(scenario(gateway('upstream: gateway')))).toEqual([expect.stringMatching(/cannot be its own upstream/)]);
    expect(problems(scenario(gateway(), '{ name: backend, kind: Deployment, app: net-server, pool: p, variants: [{ name: a }, { name: b }] }')))
      .toEqual([expect.stringMatching(/backend has 2 variants; an upstream needs exactly one/)]);
    expect(problems(scenario(gateway(), '{ name: backend, kind: Deployment, app: net-server, pool: q, variants: [{ name: server }] }')))
      .toEqual([expect.stringMatching(/backend runs on pool q, gateway on p/)]);
    expect(problems(scenario(gateway(), '{ name: backend, kind: Deployment, app: ipc-bench, pool: p, variants: [{ name: server }] }')))
      .toEqual([expect.stringMatching(/serves no port to call/)]);
    expect(problems(scenario(gateway(), '{ name: backend, kind: Deployment, app: net-server, upstream: gateway, pool: p, variants: [{ name: server }] }')))
      .toEqual([expect.stringMatching(/app net-server calls no upstream: remove upstream/)]);
  });

  it('ships as scenarios/conn-churn.yaml: a baseline, tcp_fin_timeout and tcp_tw_reuse, each with the same narrow port range', () => {
    const churn = loadScenario('scenarios/conn-churn.yaml');
    const variants = churn.spec.workloads.find((workload) => workload.name === 'gateway')?.variants ?? [];
    expect(variants.map((variant) => variant.name)).toEqual(['baseline', 'fin-timeout', 'tw-reuse']);
    expect(new Set(variants.map((variant) => variant.sysctls['net.ipv4.ip_local_port_range']))).toEqual(new Set(['40000 40299']));
  });
});

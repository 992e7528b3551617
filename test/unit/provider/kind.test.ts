import { describe, expect, it } from 'vitest';
import { buildPlan, clusterNamer } from '../../../harness/plan/plan.js';
import { kindConfigFor, plannedKindNodes } from '../../../harness/provider/kind/config.js';
import { newRunIds } from '../../../harness/run/pipeline.js';
import { parseScenario } from '../../../harness/scenario/load.js';

const scenario = (nodeSelector: string) => parseScenario(`apiVersion: sysctl-bench/v1
kind: Scenario
metadata: { name: staging-like }
spec:
  pools:
    - { name: tuned, allowedUnsafeSysctls: ["net.*"], nodeSelector: ${nodeSelector} }
  workloads: [{ name: w, kind: Deployment, app: net-server, pool: tuned, variants: [{ name: a }] }]
`, 't.yaml');
const plan = (text: string) => buildPlan(scenario(text), {
  images: { 'net-server': 'n', 'ipc-bench': 'i', gateway: 'g', pullPolicy: 'Never' }, clusterName: clusterNamer('staging-like', 'ab12'), serviceType: 'NodePort',
});

describe('kind clusters from a scenario written for a staging cluster', () => {
  it("label the pool's worker with its nodeSelector beside sysctl-bench/pool, so the same scenario runs unchanged", () => {
    const built = plan('{ example.com/pool: tuned }');
    const config = JSON.stringify(kindConfigFor(built, 'sb-staging-like-ab12'));
    expect(config).toContain('example.com/pool=tuned,sysctl-bench/pool=tuned');
    expect(built.deployments[0]?.nodeSelector).toEqual({ 'example.com/pool': 'tuned' });
    expect(plannedKindNodes(built)[1]?.kubeletFlags).toContain('--node-labels=example.com/pool=tuned,sysctl-bench/pool=tuned');
  });

  it('refuse a label a kubelet may not give itself, naming the pool', () => {
    expect(() => kindConfigFor(plan('{ node-role.kubernetes.io/tuned: "" }'), 'sb-staging-like-ab12')).toThrow(/pool tuned: a kind worker cannot label itself node-role.kubernetes.io\/tuned/);
    expect(() => kindConfigFor(plan('{ node.kubernetes.io/pool: tuned }'), 'sb-staging-like-ab12')).not.toThrow();
  });
});

describe('run and cluster names', () => {
  it('are readable and unique per run', () => {
    const first = newRunIds('net-backlog', new Date('2026-12-02T06:00:00Z'));
    const second = newRunIds('net-backlog', new Date('2026-12-02T06:00:00Z'));
    expect(first.runId).toMatch(/^20261202-060000-net-backlog-[a-z0-9]{4}$/);
    expect(first.shortId).not.toBe(second.shortId);
    expect(clusterNamer('net-backlog', first.shortId)()).toBe(`sb-net-backlog-${first.shortId}`);
    const long = clusterNamer('a-very-long-scenario-name-that-goes-on-and-on', 'ab12');
    expect(long('pool-aaaaaaa').length).toBeLessThanOrEqual(45);
    expect(long('pool-aaaaaaa')).toMatch(/-ab12$/);
    expect(long('pool-aaaaaaa')).not.toBe(long('pool-aaaaaab'));
    expect(clusterNamer('x', 'ab12', 'mine')('net')).toBe('mine-net');
  });
});

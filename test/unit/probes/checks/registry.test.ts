import { describe, expect, it } from 'vitest';
import { ISOLATION_CHECKS, isolationCheck } from '../../../../harness/probes/checks/index.js';
import { parseScenario } from '../../../../harness/scenario/load.js';

describe('the isolation check registry', () => {
  it('gives the scenario schema its names', () => {
    expect(ISOLATION_CHECKS).toEqual(['namespaced-differs', 'host-change-not-leaked', 'pod-change-contained', 'node-level-shared', 'host-proc-unchanged']);
    for (const name of ISOLATION_CHECKS) expect(isolationCheck(name).name).toBe(name);
  });

  it("checks a scenario's sysctl against what the entry needs", () => {
    const scenario = (check: string, sysctl?: string) => `apiVersion: sysctl-bench/v1
kind: Scenario
metadata: { name: t }
spec:
  pools: [{ name: p }]
  workloads: [{ name: w, kind: Deployment, app: net-server, pool: p, variants: [{ name: a }] }]
  isolation: [{ check: ${check}${sysctl ? `, sysctl: ${sysctl}` : ''} }]
`;
    expect(() => parseScenario(scenario('node-level-shared', 'net.core.somaxconn'), 't.yaml')).toThrow(/is namespaced; node-level-shared needs a node-level sysctl/);
    expect(() => parseScenario(scenario('namespaced-differs', 'vm.swappiness'), 't.yaml')).toThrow(/is node-level; namespaced-differs needs a namespaced sysctl/);
    expect(() => parseScenario(scenario('host-proc-unchanged', 'vm.swappiness'), 't.yaml')).toThrow(/host-proc-unchanged takes no sysctl/);
    expect(() => parseScenario(scenario('pod-change-contained'), 't.yaml')).toThrow(/needs the sysctl it proves/);
    expect(() => parseScenario(scenario('host-leaks'), 't.yaml')).toThrow(/check/);
  });
});

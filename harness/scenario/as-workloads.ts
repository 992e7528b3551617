import { LineCounter, parseDocument } from 'yaml';
import type { ManifestProblem, PodTemplate } from '../manifests/read-workloads.js';
import { buildPlan, clusterName } from '../plan/plan.js';
import { workloadReport, type WorkloadReport } from '../policy/validation-report.js';
import { workloadObject } from '../workloads/manifest.js';
import { checkScenario } from './load.js';
import { locate } from './locate.js';
import { builtInImages } from '../workloads/apps/index.js';

/**
 * A scenario given to `validate`: checked as `plan` and `run` check it, and, when it holds,
 * each workload variant rendered as the object `run` would apply and judged on its own pool's
 * kubelet (that pool's allowlist, the scenario's Kubernetes version).
 */
export interface ScenarioValidation {
  readonly problems: ManifestProblem[];
  readonly workloads: WorkloadReport[];
}

/** The namespace a run creates is sysctl-bench-<short run id>; validate names it by its pattern. */
const namespace = 'sysctl-bench-<run id>';

export function validateScenarioText(text: string, file: string, kernelSysctls?: ReadonlySet<string>): ScenarioValidation {
  const check = checkScenario(text, file);
  if (!check.ok) {
    return {
      problems: check.problems.map((problem) => ({
        source: problem.where,
        message: problem.field ? `${problem.field}: ${problem.message}` : problem.message,
        ...(problem.fix ? { fix: problem.fix } : {}),
      })),
      workloads: [],
    };
  }
  const scenario = check.scenario;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true });
  const where = (path: (string | number)[]): string => {
    const pos = locate(document, lineCounter, path);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const plan = buildPlan(scenario, {
    images: { ...builtInImages((app) => `sysctl-bench/${app}`), pullPolicy: 'Never' },
    clusterName: (pool) => clusterName(scenario.metadata.name, pool),
    facts: { kubernetesVersion: scenario.spec.kubernetesVersion, pools: [], kernelSysctls },
    serviceType: 'NodePort',
  });
  const pools = new Map(plan.clusters.flatMap((cluster) => cluster.pools.map((pool) => [pool.name, pool] as const)));
  const workloads: WorkloadReport[] = [];
  for (const deployment of plan.deployments) {
    const workloadIndex = scenario.spec.workloads.findIndex((workload) => workload.name === deployment.workload);
    const variantIndex = scenario.spec.workloads[workloadIndex]?.variants.findIndex((variant) => variant.name === deployment.variant) ?? -1;
    const variantPath = ['spec', 'workloads', workloadIndex, 'variants', variantIndex];
    const pod = workloadObject(deployment, namespace).body.spec?.template.spec;
    const template: PodTemplate = {
      source: where(variantPath).replace(/:\d+$/, ''),
      kind: deployment.kind,
      namespace,
      name: `${deployment.name} (pool ${deployment.pool}, scenario expects ${deployment.expected})`,
      podSpecPath: 'spec.template.spec',
      hostNetwork: pod?.hostNetwork ?? false,
      hostIPC: pod?.hostIPC ?? false,
      sysctls: (pod?.securityContext?.sysctls ?? []).map((sysctl) => ({
        name: sysctl.name, value: sysctl.value, source: where([...variantPath, 'sysctls', sysctl.name]),
      })),
    };
    const pool = pools.get(deployment.pool);
    workloads.push(workloadReport(template, {
      allowedUnsafeSysctls: pool?.allowedUnsafeSysctls ?? [],
      kubernetesVersion: plan.kubernetesVersion,
      ...(kernelSysctls ? { kernelSysctls } : {}),
    }));
  }
  return { problems: [], workloads };
}

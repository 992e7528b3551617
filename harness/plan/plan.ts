import { outcomeOfPrediction, predictAdmission, scenarioPodSecurity, type AdmissionPrediction, type PredictedOutcome } from '../policy/index.js';
import { objectName, type WorkloadDeployment } from '../workloads/spec.js';
import type { Scenario } from '../scenario/schema.js';

export interface PlannedPool {
  name: string;
  allowedUnsafeSysctls: string[];
}

export interface PlannedCluster {
  name: string;
  pools: PlannedPool[];
}

export interface PlannedDeployment extends WorkloadDeployment {
  cluster: string;
  prediction: AdmissionPrediction;
  /** The outcome the run must observe: the scenario's explicit expectation, else the model's prediction. */
  expected: PredictedOutcome;
  /** Kept running after its admission is observed: it is measured (load, ipc) or probed (isolation). */
  retained: boolean;
}

export interface Plan {
  scenario: Scenario;
  kubernetesVersion: string;
  clusters: PlannedCluster[];
  deployments: PlannedDeployment[];
}

/** Images the plan needs, by app; filled in by the toolchain phase. */
export type ImageRefs = Record<'net-server' | 'ipc-bench', string>;

/**
 * Expands a scenario into what will be created: clusters (one for all pools, or one per pool),
 * one deployment per workload variant on its pool, and the admission the policy model predicts
 * for each (with the node kernel's sysctl inventory, when given, so that a name the kernel lacks
 * is predicted unsupported). Pure: no cluster is touched.
 */
export function buildPlan(scenario: Scenario, images: ImageRefs, runKey: string, kernelSysctls?: ReadonlySet<string>): Plan {
  const spec = scenario.spec;
  const kubernetesVersion = spec.kubernetesVersion;
  const podSecurity = scenarioPodSecurity(scenario);
  const pools: PlannedPool[] = spec.pools.map((pool) => ({ name: pool.name, allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls] }));
  const clusters: PlannedCluster[] = spec.layout === 'per-pool'
    ? pools.map((pool) => ({ name: clusterName(runKey, pool.name), pools: [pool] }))
    : [{ name: clusterName(runKey), pools }];
  const clusterOf = (pool: string) => clusters.find((cluster) => cluster.pools.some((p) => p.name === pool))?.name ?? '';
  const usedLater = [...(spec.load ?? []), ...(spec.ipc ?? []), ...(spec.isolation ?? [])].map((entry) => entry.workload);
  // An isolation check without a workload may probe any of them.
  const everyWorkload = (spec.isolation ?? []).some((entry) => entry.workload === undefined && entry.check !== 'host-proc-unchanged');
  const retainedWorkloads = new Set(everyWorkload ? spec.workloads.map((workload) => workload.name) : usedLater);

  const deployments: PlannedDeployment[] = [];
  for (const workload of spec.workloads) {
    const targetPools = workload.pool === '*' ? pools.map((pool) => pool.name) : [workload.pool];
    for (const poolName of targetPools) {
      const pool = pools.find((candidate) => candidate.name === poolName);
      if (!pool) continue;
      for (const variant of workload.variants) {
        const sysctls = Object.fromEntries(Object.entries(variant.sysctls ?? {}).map(([name, value]) => [name, String(value)]));
        const name = deploymentName(workload.name, variant.name, pool.name, targetPools.length > 1);
        const prediction = predictAdmission(
          Object.entries(sysctls).map(([name, value]) => ({ name, value })),
          { allowedUnsafeSysctls: pool.allowedUnsafeSysctls, kubernetesVersion, ...(kernelSysctls ? { kernelSysctls } : {}) },
          {
            hostNetwork: workload.hostNetwork, hostIPC: workload.hostIPC, ...(podSecurity ? { podSecurity } : {}),
            object: { kind: workload.kind, name, podSpecPath: 'spec.template.spec' },
          },
        );
        const explicit = (spec.admission ?? []).find((entry) => entry.workload === workload.name
          && (entry.variant === undefined || entry.variant === variant.name)
          && (entry.pool === undefined || entry.pool === pool.name));
        deployments.push({
          name,
          workload: workload.name,
          variant: variant.name,
          pool: pool.name,
          cluster: clusterOf(pool.name),
          kind: workload.kind,
          app: workload.app,
          image: images[workload.app],
          replicas: workload.kind === 'DaemonSet' ? 1 : workload.replicas ?? 1,
          sysctls,
          settings: Object.fromEntries(Object.entries(workload.settings ?? {}).map(([key, value]) => [key, String(value)])),
          hostNetwork: workload.hostNetwork,
          hostIPC: workload.hostIPC,
          prediction,
          expected: explicit?.expect ?? outcomeOf(prediction),
          retained: retainedWorkloads.has(workload.name),
        });
      }
    }
  }
  return { scenario, kubernetesVersion, clusters, deployments };
}

export function outcomeOf(prediction: AdmissionPrediction): PlannedDeployment['expected'] {
  return outcomeOfPrediction(prediction);
}

/**
 * kind cluster names: sb-<scenario>[-<pool>]; short, since kind derives node container names from
 * them. A longer name is cut and ends in a hash of the whole, so that two pools whose names share
 * a long beginning stay two clusters.
 */
export function clusterName(runKey: string, pool?: string): string {
  const full = objectName('sb', runKey, ...(pool ? [pool] : []));
  if (full.length <= 40) return full;
  let hash = 0x811c9dc5;
  for (let i = 0; i < full.length; i++) hash = Math.imul(hash ^ full.charCodeAt(i), 0x01000193) >>> 0;
  return `${full.slice(0, 32).replace(/-+$/, '')}-${hash.toString(36).padStart(7, '0').slice(0, 7)}`;
}

/** The object name of a workload variant: the pool is part of it when the workload runs on several. */
export function deploymentName(workload: string, variant: string, pool: string, onSeveralPools: boolean): string {
  return objectName(workload, variant, ...(onSeveralPools ? [pool] : []));
}

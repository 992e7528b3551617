import { outcomeOfPrediction, POOL_LABEL, predictAdmission, scenarioPodSecurity, type AdmissionPrediction, type PredictedOutcome } from '../policy/index.js';
import type { AllowlistSource, ClusterFacts, ImageSet } from '../provider/types.js';
import type { Scenario, ScenarioPool, ScenarioWorkload } from '../scenario/schema.js';
import { workloadApp, type BuiltInAppName } from '../workloads/apps/index.js';
import { objectName, type WorkloadDeployment } from '../workloads/spec.js';

export interface PlannedPool {
  name: string;
  /** The allowlist admission is predicted from: the scenario's on kind, the kubelets' own on an existing cluster. */
  allowedUnsafeSysctls: string[];
  source: AllowlistSource;
  /** The labels that select the pool's nodes (and, on kind, that its worker gets). */
  nodeSelector: Record<string, string>;
  /** Labels a kind worker gets beside sysctl-bench/pool (the scenario's nodeSelector). */
  labels: Record<string, string>;
  pinnedNodes?: string[];
}

export interface PlannedCluster {
  name: string;
  /** "X.Y": the Kubernetes minor its nodes run (a scenario listing several gets clusters per version). */
  kubernetesVersion: string;
  pools: PlannedPool[];
}

export interface PlannedDeployment extends WorkloadDeployment {
  cluster: string;
  /** The Kubernetes minor of its cluster: what its admission is predicted for. */
  kubernetesVersion: string;
  prediction: AdmissionPrediction;
  /** The outcome the run must observe: the scenario's explicit expectation, else the model's prediction. */
  expected: PredictedOutcome;
  /** Kept running after its admission is observed: it is measured (load, ipc) or probed (isolation). */
  retained: boolean;
}

export interface Plan {
  scenario: Scenario;
  /** The version measured, probed and replayed on: the first the scenario lists. */
  kubernetesVersion: string;
  /**
   * Every version whose admission the run observes, the first being `kubernetesVersion`: one
   * unless a scenario lists several and the provider brings each up (kind).
   */
  kubernetesVersions: string[];
  clusters: PlannedCluster[];
  deployments: PlannedDeployment[];
}

export interface PlanInputs {
  images: Pick<ImageSet, BuiltInAppName | 'pullPolicy'>;
  /**
   * The cluster of the whole run (no pool), or of one pool with layout per-pool; `version` is
   * given only when the run brings up several Kubernetes versions.
   */
  clusterName: (pool?: string, version?: string) => string;
  /**
   * The pools as the kubelets have them, and the versions the provider brings up (its
   * `kubernetesVersions`, else only `kubernetesVersion`); without, as the scenario declares them.
   */
  facts?: Pick<ClusterFacts, 'kubernetesVersion' | 'pools' | 'kernelSysctls'> & Partial<Pick<ClusterFacts, 'kubernetesVersions'>>;
  /** NodePort where a load container beside the cluster may need it (kind); else ClusterIP. */
  serviceType: 'NodePort' | 'ClusterIP';
}

/** The labels that select a pool's nodes: its nodeSelector, else sysctl-bench/pool=<name>. */
export function poolSelector(pool: Pick<ScenarioPool, 'name' | 'nodeSelector'>): Record<string, string> {
  return pool.nodeSelector && Object.keys(pool.nodeSelector).length > 0 ? { ...pool.nodeSelector } : { [POOL_LABEL]: pool.name };
}

/**
 * Expands a scenario into what will be created: clusters (one for all pools, or one per pool),
 * one deployment per workload variant on its pool, and the admission the policy model predicts
 * for each, from the pools' allowlists as the kubelets have them (and the nodes' sysctl inventory,
 * when known, so that a name the kernel lacks is predicted unsupported). Pure: no cluster is touched.
 */
export function buildPlan(scenario: Scenario, inputs: PlanInputs): Plan {
  const spec = scenario.spec;
  const facts = inputs.facts;
  const versions = facts ? facts.kubernetesVersions?.map((entry) => entry.kubernetesVersion) ?? [facts.kubernetesVersion] : [...spec.kubernetesVersions];
  const kubernetesVersion = versions[0] ?? spec.kubernetesVersion;
  const kernelSysctls = facts?.kernelSysctls;
  // The scenario's namespace Pod Security (the run puts these labels on its namespace).
  const podSecurity = scenarioPodSecurity(scenario);
  const pools: PlannedPool[] = spec.pools.map((pool) => {
    const observed = facts?.pools.find((entry) => entry.pool === pool.name);
    return {
      name: pool.name,
      allowedUnsafeSysctls: [...(observed?.allowedUnsafeSysctls ?? pool.allowedUnsafeSysctls)],
      source: observed?.source ?? 'scenario',
      nodeSelector: poolSelector(pool),
      labels: { ...(pool.nodeSelector ?? {}) },
      ...(observed?.pinnedNodes ? { pinnedNodes: [...observed.pinnedNodes] } : {}),
    };
  });
  // Several versions: the same clusters once per version, named with it; one version keeps its names.
  const clusterName = (pool: string | undefined, version: string) => (versions.length > 1 ? inputs.clusterName(pool, version) : inputs.clusterName(pool));
  const clusters: PlannedCluster[] = versions.flatMap((version) => (spec.layout === 'per-pool'
    ? pools.map((pool) => ({ name: clusterName(pool.name, version), kubernetesVersion: version, pools: [pool] }))
    : [{ name: clusterName(undefined, version), kubernetesVersion: version, pools }]));
  const clusterOf = (pool: string, version: string) => clusters.find((cluster) => cluster.kubernetesVersion === version && cluster.pools.some((p) => p.name === pool))?.name ?? '';
  // An upstream serves the workloads that call it: it stays as long as they do.
  const upstreams = spec.workloads.flatMap((workload) => (workload.upstream ? [workload.upstream] : []));
  const usedLater = [...[...(spec.load ?? []), ...(spec.ipc ?? []), ...(spec.isolation ?? [])].map((entry) => entry.workload), ...upstreams];
  // An isolation check without a workload may probe any of them.
  const everyWorkload = (spec.isolation ?? []).some((entry) => entry.workload === undefined && entry.check !== 'host-proc-unchanged');
  const retainedWorkloads = new Set(everyWorkload ? spec.workloads.map((workload) => workload.name) : usedLater);

  const deployments: PlannedDeployment[] = [];
  for (const version of versions) {
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
            { allowedUnsafeSysctls: pool.allowedUnsafeSysctls, kubernetesVersion: version, ...(kernelSysctls ? { kernelSysctls } : {}) },
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
            cluster: clusterOf(pool.name, version),
            kubernetesVersion: version,
            kind: workload.kind,
            app: workload.app,
            ...(workload.image ? { own: workload.image } : {}),
            image: imageOf(workload, inputs.images),
            ...(workload.upstream ? { upstream: upstreamAddress(spec.workloads, workload.upstream, pool.name, pools.length) } : {}),
            imagePullPolicy: inputs.images.pullPolicy,
            replicas: workload.kind === 'DaemonSet' ? 1 : workload.replicas ?? 1,
            sysctls,
            settings: Object.fromEntries(Object.entries(workload.settings ?? {}).map(([key, value]) => [key, String(value)])),
            nodeSelector: { ...pool.nodeSelector },
            ...(pool.pinnedNodes ? { pinnedNodes: [...pool.pinnedNodes] } : {}),
            serviceType: inputs.serviceType,
            hostNetwork: workload.hostNetwork,
            hostIPC: workload.hostIPC,
            prediction,
            expected: explicit?.expect ?? outcomeOf(prediction),
            // Measurements, proofs and procedures run on the first version only; the others are observed for admission.
            retained: version === kubernetesVersion && retainedWorkloads.has(workload.name),
          });
        }
      }
    }
  }
  return { scenario, kubernetesVersion, kubernetesVersions: versions, clusters, deployments };
}

/**
 * The Service of the workload another one calls, on the caller's pool: <name>:<port>, resolved by
 * the cluster's DNS in the run's namespace. The schema has checked it has one variant and serves a port.
 */
export function upstreamAddress(workloads: readonly ScenarioWorkload[], name: string, pool: string, poolCount: number): string {
  const target = workloads.find((workload) => workload.name === name);
  const variant = target?.variants[0];
  const port = target ? workloadApp(target.app).container(target.image).port : undefined;
  if (!target || !variant || port === undefined) throw new Error(`internal: upstream ${name} has no variant or port (the scenario schema checks it)`);
  const everyPool = target.pool === '*' && poolCount > 1;
  return `${objectName(target.name, variant.name, ...(everyPool ? [pool] : []))}:${port}`;
}

/** The image a workload runs: the built-in app's (as the provider names it), or the scenario's own reference. */
export function imageOf(workload: Pick<ScenarioWorkload, 'name' | 'app' | 'image'>, images: PlanInputs['images']): string {
  const app = workloadApp(workload.app);
  switch (app.image) {
    case 'built-in':
      return images[workload.app as BuiltInAppName];
    case 'scenario':
      if (!workload.image) throw new Error(`internal: workload ${workload.name} (app ${workload.app}) has no image (the scenario schema requires one)`);
      return workload.image.reference;
    default: {
      const never: never = app.image;
      throw new Error(`unknown image source ${String(never)}`);
    }
  }
}

export function outcomeOf(prediction: AdmissionPrediction): PlannedDeployment['expected'] {
  return outcomeOfPrediction(prediction);
}

/**
 * Cluster names: sb-<scenario>[-<pool>]-<short run id> by default, unique per run and readable;
 * with --name, that name (and <name>-<pool> per pool). A run of several Kubernetes versions adds
 * the version (sb-<scenario>[-<pool>]-1-36-<id>, <name>[-<pool>]-1-36). At most 45 characters, since kind derives
 * node container names (and so hostnames, at most 63 characters) from them.
 */
export function clusterNamer(scenarioName: string, shortId: string, fixed?: string): (pool?: string, version?: string) => string {
  return (pool?: string, version?: string) => {
    const parts = [...(pool ? [pool] : []), ...(version ? [version] : [])];
    if (fixed !== undefined) return parts.length > 0 ? shortened(objectName(fixed, ...parts), 45) : fixed;
    return `${clusterName(scenarioName, pool, version)}-${shortId}`;
  };
}

/**
 * kind cluster names without the run's id: sb-<scenario>[-<pool>]. A longer name is cut and ends
 * in a hash of the whole, so that two pools whose names share a long beginning stay two clusters.
 */
export function clusterName(runKey: string, pool?: string, version?: string): string {
  return shortened(objectName('sb', runKey, ...(pool ? [pool] : []), ...(version ? [version] : [])), 40);
}

function shortened(full: string, max: number): string {
  if (full.length <= max) return full;
  let hash = 0x811c9dc5;
  for (let i = 0; i < full.length; i++) hash = Math.imul(hash ^ full.charCodeAt(i), 0x01000193) >>> 0;
  return `${full.slice(0, max - 8).replace(/-+$/, '')}-${hash.toString(36).padStart(7, '0').slice(0, 7)}`;
}

/** The object name of a workload variant: the pool is part of it when the workload runs on several. */
export function deploymentName(workload: string, variant: string, pool: string, onSeveralPools: boolean): string {
  return objectName(workload, variant, ...(onSeveralPools ? [pool] : []));
}

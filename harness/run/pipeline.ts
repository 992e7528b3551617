import { join, resolve } from 'node:path';
import { attachCluster, createCluster, deleteCluster, listClusters, loadImages, type KindCluster } from '../cluster/kind-cluster.js';
import { EnvironmentError } from '../errors.js';
import { connect, type Kube } from '../kube/client.js';
import { buildPlan, type Plan, type PlannedDeployment } from '../plan/plan.js';
import { kubeletConfiguration, kubeletExtraArgsLine, openshiftKubeletConfig } from '../policy/index.js';
import { snapshotHost } from '../probes/host-snapshot.js';
import { kernelSysctlInventory } from '../probes/kernel-inventory.js';
import { writeReports } from '../report/write-reports.js';
import type { Results } from '../results/results.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { nodeImageRef } from '../toolchain/artefacts/node-image.js';
import { loadgenImageRef, workloadImageRef } from '../toolchain/artefacts/workload-images.js';
import { ensureArtefacts } from '../toolchain/ensure.js';
import { runArtefactIdsFor } from '../toolchain/registry.js';
import { kubernetesPatch } from '../toolchain/versions.js';
import { stringify } from 'yaml';
import { ensureNamespace } from '../workloads/deploy.js';
import { deployAll } from './deploy-phase.js';
import { describeEnvironment, kindConfigFor } from './environment.js';
import { hostUnchangedRecord, runIsolationCheck, sayIsolation } from './isolation-phase.js';
import { removeLeftovers } from './leftovers.js';
import { measureIpc, measureLoad } from './measure-phase.js';
import { removeOwnership, writeOwnership } from './ownership.js';
import { runProcedures } from './procedures-phase.js';
import { RunContext } from './run-context.js';

export interface RunOptions {
  scenarioFile: string;
  reportsDir: string;
  /** Keep (and reuse) the clusters instead of deleting them at the end. */
  keep: boolean;
  /** Scale load sizes and durations (end-to-end tests use a small one). */
  scale: number;
  /** Override the scenario's repetitions and warm-up. */
  repetitions?: number;
  warmup?: number;
  history?: string;
  say: (line: string) => void;
}

export interface RunOutcome {
  runDir: string;
  results: Results | undefined;
  exitCode: number;
}

/**
 * scenario file -> plan -> clusters -> workloads -> load -> measurements -> report.
 * Every measurement is appended to raw/results.jsonl as it ends; whatever happens, clusters and
 * containers of the run are removed (unless --keep) and the reports are written from what was kept.
 */
export async function runScenario(options: RunOptions): Promise<RunOutcome> {
  const scenario = loadScenario(options.scenarioFile);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${scenario.metadata.name}`;
  const runDir = resolve(options.reportsDir, runId);
  const context = await RunContext.open(runId, runDir, options.say);
  options.say(`run ${runId}: ${scenario.metadata.name} -> ${runDir}`);

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    options.say(`${signal}: stopping, cleaning up (a second ${signal} is ignored until cleanup ends)`);
    interruptRun.reject(new EnvironmentError(`interrupted by ${signal}`));
  };
  const interruptRun = deferred<never>();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let status: 'completed' | 'failed' | 'interrupted' = 'completed';
  let reason: string | undefined;
  try {
    await Promise.race([execute(context, scenario, options), interruptRun.promise]);
  } catch (error) {
    status = interrupted ? 'interrupted' : 'failed';
    reason = error instanceof Error ? error.message : String(error);
    await context.record({ type: 'error', at: new Date().toISOString(), message: reason, ...(error instanceof EnvironmentError && error.fix ? { fix: error.fix } : {}) }).catch(() => undefined);
    options.say(`✖ ${reason.split('\n')[0]}`);
  } finally {
    await context.cleanup();
    removeOwnership(runId);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await context.record({ type: 'run-finished', finishedAt: new Date().toISOString(), status, ...(reason ? { reason } : {}) });
  // The report phase times itself into the raw results, so the reports are written twice: the
  // second pass (a fraction of a second) carries the first one's timing.
  await context.phase('report', () => writeReports(runDir, { history: options.history }));
  await context.raw.close();
  const results = await writeReports(runDir, { history: options.history });
  return { runDir, results, exitCode: results.outcome.exitCode };
}

async function execute(context: RunContext, scenario: Scenario, options: RunOptions): Promise<void> {
  const spec = scenario.spec;
  const hostBefore = await snapshotHost(sysctlsOf(scenario));
  // The scenario's Kubernetes minor picks the node image (a UserError here when none can be had).
  const toolchainIds = runArtefactIdsFor(spec.kubernetesVersion);

  await context.phase('toolchain', async () => {
    await ensureArtefacts(toolchainIds, (event) => {
      if (event.kind === 'step') context.say(`  ${event.artefact.title}: ${event.detail}`);
      if (event.kind === 'built') context.say(`  ${event.artefact.title}: ${event.detail}`);
    });
  });
  const images = { 'net-server': await workloadImageRef('net-server'), 'ipc-bench': await workloadImageRef('ipc-bench') };
  const plan = await context.phase('plan', async () => buildPlan(scenario, images, scenarioKey(scenario), kernelSysctlInventory()));
  const nodeImage = await nodeImageRef(spec.kubernetesVersion);
  const rollout = rolloutArtifacts([...new Set(spec.pools.flatMap((pool) => pool.allowedUnsafeSysctls))]);
  await context.record({
    type: 'run-started',
    runId: context.runId,
    scenario: { name: scenario.metadata.name, file: options.scenarioFile, definition: scenario },
    startedAt: new Date().toISOString(),
    environment: await describeEnvironment(plan, kubernetesPatch(spec.kubernetesVersion)),
    loadGenerator: { name: 'sysctl-bench loadgen', version: (await loadgenImageRef()).split(':')[1] ?? 'unknown' },
    ...(rollout ? { rollout } : {}),
  });

  await context.phase('leftovers', async () => {
    const removed = await removeLeftovers(context.runId, context.say);
    if (removed.length > 0) context.say(`  removed ${removed.length} leftovers: ${removed.join(', ')}`);
  });

  const clusters = await context.phase('cluster-create', () => createClusters(context, plan, nodeImage, options.keep));
  const kubes = new Map(clusters.map((cluster) => [cluster.name, connect(cluster.kubeconfig)]));
  const kubeOf = (name: string): Kube => {
    const kube = kubes.get(name);
    if (!kube) throw new Error(`no cluster ${name}`);
    return kube;
  };

  await context.phase('image-load', async () => {
    for (const cluster of clusters) await loadImages(cluster.name, Object.values(images), context.logFile('image-load'));
  });

  const deployed = await context.phase('deploy', async () => {
    for (const kube of kubes.values()) await ensureNamespace(kube);
    return deployAll(context, kubeOf, plan.deployments);
  });
  const running = (workload: string) => deployed.filter((entry) => entry.admitted && entry.deployment.workload === workload).map((entry) => entry.deployment);

  const measure = { repetitions: options.repetitions ?? spec.repetitions ?? 3, warmup: options.warmup ?? spec.warmup ?? 1, scale: options.scale };
  if ((spec.load?.length ?? 0) + (spec.ipc?.length ?? 0) > 0) {
    await context.phase('load', async () => {
      for (const entry of spec.load ?? []) {
        const variants = running(entry.workload);
        if (variants.length === 0) throw new Error(`load: no admitted variant of workload ${entry.workload} to measure`);
        await measureLoad(context, kubeOf(clusterOf(variants)), entry, variants, measure);
      }
      for (const entry of spec.ipc ?? []) {
        const variants = running(entry.workload);
        if (variants.length === 0) throw new Error(`ipc: no admitted variant of workload ${entry.workload} to measure`);
        await measureIpc(context, kubeOf(clusterOf(variants)), entry, variants, measure);
      }
    });
  }

  const admittedDeployments = deployed.filter((entry) => entry.admitted).map((entry) => entry.deployment);
  if ((spec.isolation?.length ?? 0) > 0) {
    await context.phase('probes', async () => {
      for (const entry of spec.isolation ?? []) {
        if (entry.check === 'host-proc-unchanged') continue;
        const candidates = admittedDeployments.filter((deployment) => entry.workload === undefined || deployment.workload === entry.workload);
        const failed = (detail: string) => ({ type: 'isolation' as const, check: entry.check, sysctl: entry.sysctl ?? '', workload: entry.workload, passed: false, values: [], detail });
        // A proof that cannot be carried out is a failed proof, recorded; the other proofs still run.
        const record = candidates.length === 0
          ? failed('no admitted workload to probe')
          : await runIsolationCheck(context, kubeOf(clusterOf(candidates)), entry, candidates, images['net-server'])
            .catch((error: unknown) => failed(`could not be carried out: ${error instanceof Error ? error.message.split('\n').slice(0, 2).join(' ') : String(error)}`));
        await context.record(record);
        sayIsolation(context, record);
      }
    });
  }

  if ((spec.procedures?.length ?? 0) > 0) {
    await context.phase('procedures', () => runProcedures(context, plan, clusters, kubeOf));
  }

  if (!options.keep) {
    await context.phase('cluster-delete', () => context.cleanup());
  }
  if ((spec.isolation ?? []).some((entry) => entry.check === 'host-proc-unchanged')) {
    const record = hostUnchangedRecord(hostBefore, await snapshotHost(Object.keys(hostBefore)));
    await context.record(record);
    sayIsolation(context, record);
  }
}

async function createClusters(context: RunContext, plan: Plan, nodeImage: string, keep: boolean): Promise<KindCluster[]> {
  const existing = new Set(await listClusters());
  const clusters: KindCluster[] = [];
  for (const planned of plan.clusters) {
    writeOwnership({ runId: context.runId, pid: process.pid, clusters: plan.clusters.map((c) => c.name), keep, startedAt: new Date().toISOString() });
    if (!keep) {
      context.onCleanup(`kind cluster ${planned.name}`, () => deleteCluster(planned.name, context.logFile('cluster-delete')));
    }
    if (keep && existing.has(planned.name)) {
      context.say(`  reusing kept cluster ${planned.name}`);
      clusters.push(await attachCluster(planned.name, join(context.runDir, 'kube')));
      continue;
    }
    if (existing.has(planned.name)) await deleteCluster(planned.name, context.logFile('cluster-delete'));
    context.say(`  creating ${planned.name}: ${planned.pools.map((pool) => `${pool.name} [${pool.allowedUnsafeSysctls.join(',') || 'no unsafe'}]`).join(', ')}`);
    clusters.push(await createCluster({
      name: planned.name, image: nodeImage, config: kindConfigFor(plan, planned.name, nodeImage),
      workDir: join(context.runDir, 'kube'), logFile: context.logFile('cluster-create'),
    }));
  }
  return clusters;
}

function clusterOf(deployments: readonly PlannedDeployment[]): string {
  return deployments[0]?.cluster ?? '';
}

function sysctlsOf(scenario: Scenario): string[] {
  const names = new Set<string>();
  for (const workload of scenario.spec.workloads) for (const variant of workload.variants) for (const name of Object.keys(variant.sysctls ?? {})) names.add(name);
  for (const entry of scenario.spec.isolation ?? []) if (entry.sysctl) names.add(entry.sysctl);
  return [...names];
}

/** Clusters are named after the scenario, so that a kept cluster is found again by the next run of it. */
function scenarioKey(scenario: Scenario): string {
  return scenario.metadata.name;
}

/** What an operator applies; none when the scenario's tuning needs no kubelet allowance (safe or client-side sysctls). */
function rolloutArtifacts(allowlist: readonly string[]) {
  if (allowlist.length === 0) return undefined;
  return {
    dropIn: kubeletExtraArgsLine(allowlist),
    kubeletConfiguration: stringify(kubeletConfiguration(allowlist)),
    openshiftKubeletConfig: stringify(openshiftKubeletConfig(allowlist)),
  };
}

function deferred<T>(): { promise: Promise<T>; reject: (error: unknown) => void } {
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((_resolve, rejectPromise) => { reject = rejectPromise; });
  promise.catch(() => undefined);
  return { promise, reject };
}

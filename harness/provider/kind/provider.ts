import { join } from 'node:path';
import { EnvironmentError, UserError } from '../../errors.js';
import { BUILT_IN_APPS, builtInImages } from '../../workloads/apps/index.js';
import { inspectImage } from '../../toolchain/docker.js';
import { run } from '../../toolchain/exec.js';
import { connect } from '../../kube/client.js';
import type { Plan } from '../../plan/plan.js';
import { scenarioNamespaceLabels } from '../../policy/index.js';
import { kernelSysctlInventory } from '../../probes/kernel-inventory.js';
import { processIsHolder, type HostKernelDeps } from '../../host/guard.js';
import { PROC_SYS, readProcSys } from '../../host/procsys.js';
import { writeOwnership } from '../../run/ownership.js';
import type { Scenario } from '../../scenario/schema.js';
import { nodeImageRef } from '../../toolchain/artefacts/node-image.js';
import { imageRef } from '../../toolchain/artefacts/workload-images.js';
import { ensureArtefacts } from '../../toolchain/ensure.js';
import { cacheDir } from '../../toolchain/paths.js';
import { runArtefactIdsFor } from '../../toolchain/registry.js';
import { kubernetesPatch } from '../../toolchain/versions.js';
import { poolSelector } from '../../plan/plan.js';
import { LoadDriver } from '../../load/driver.js';
import { KubeObjects } from '../../workloads/kube-objects.js';
import { createRunNamespace, removeNamespaceLeftovers, runNamespace } from '../namespace.js';
import { awaitNodesReady, listNodes, toClusterNodes } from '../nodes.js';
import { ContainerLoadRunner } from '../../measure/container-runner.js';
import type { Cluster, ClusterFacts, ClusterProvider, ImageSet, LoadRunner, NodeAccess, ProviderEnvironment, ProviderRun } from '../types.js';
import { createCluster, deleteCluster, exportLogs, kindVersion, kubeconfigFile, listClusters, loadImages, writeKubeconfig } from './cli.js';
import { kindConfigFor, plannedKindNodes } from './config.js';
import { DockerExecNode } from './docker-node.js';
import { removeKindLeftovers, sysctlBenchClusters } from './leftovers.js';
import { createRunNetwork, kindClustersOnMachine, nodeNetwork, removeNetwork, runNetworkName } from './network.js';

export interface KindProviderOptions {
  /** Keep the clusters after the run (and reuse one of the same name). */
  keep: boolean;
  /** The scenario's Kubernetes minors (one, or several side by side): each picks its clusters' node image. */
  kubernetesVersions: readonly string[];
}

/**
 * Clusters sysctl-bench creates on this machine with kind, from generated configs: it owns them,
 * so proofs may write node values and procedures may restart a kubelet, and the nodes share this
 * machine's kernel.
 */
export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  readonly capabilities = { nodeWrites: true, kubeletRestart: true, containerLoad: true, sharesHostKernel: true } as const;
  readonly phaseNames = { up: 'cluster-create', down: 'cluster-delete' } as const;
  readonly loadsImages = true;
  readonly kernelWitness = 'host' as const;
  /** The node image of each Kubernetes minor, once prepared. */
  private readonly nodeImages = new Map<string, string>();
  /** The Docker network of the run's clusters (its own, or a kept cluster's). */
  private network: string | undefined;

  constructor(private readonly options: KindProviderOptions) {}

  /** Docker, kind and the images, for each of the scenario's Kubernetes minors (their node images are picked, or built, here). */
  async prepare(run: ProviderRun): Promise<void> {
    const ids = [...new Set(this.options.kubernetesVersions.flatMap((version) => runArtefactIdsFor(version)))];
    await ensureArtefacts(ids, (event) => {
      if (event.kind === 'step' || event.kind === 'built') run.say(`  ${event.artefact.title}: ${event.detail}`);
    });
    for (const version of this.options.kubernetesVersions) this.nodeImages.set(version, await nodeImageRef(version));
  }

  private async nodeImage(version: string): Promise<string> {
    let image = this.nodeImages.get(version);
    if (!image) {
      image = await nodeImageRef(version);
      this.nodeImages.set(version, image);
    }
    return image;
  }

  async images(): Promise<ImageSet> {
    return { ...builtInImages(imageRef), loadgen: imageRef('loadgen'), pullPolicy: 'Never' };
  }

  removeLeftovers(run: ProviderRun): Promise<string[]> {
    return removeKindLeftovers(run.runId, run.say);
  }

  /** kind nodes are configured from the scenario: what it declares is what the kubelets get, on every version it lists. */
  async observe(scenario: Scenario): Promise<ClusterFacts> {
    await requireLocalImages(scenario);
    const versions = scenario.spec.kubernetesVersions;
    return {
      kubernetesVersion: scenario.spec.kubernetesVersion,
      kubernetesPatch: kubernetesPatch(scenario.spec.kubernetesVersion),
      ...(versions.length > 1 ? { kubernetesVersions: versions.map((version) => ({ kubernetesVersion: version, kubernetesPatch: kubernetesPatch(version) })) } : {}),
      versionSource: 'node-image',
      kernelSysctls: kernelSysctlInventory(),
      findings: [],
      pools: scenario.spec.pools.map((pool) => ({
        pool: pool.name, nodeSelector: poolSelector(pool), allowedUnsafeSysctls: [...pool.allowedUnsafeSysctls], source: 'scenario', nodes: [], findings: [],
      })),
    };
  }

  async up(plan: Plan, run: ProviderRun): Promise<Cluster[]> {
    const existing = new Set(await listClusters(run.signal));
    const workDir = join(run.runDir, 'kube');
    const clusters: Cluster[] = [];
    writeOwnership({ runId: run.runId, pid: process.pid, clusters: plan.clusters.map((cluster) => cluster.name), keep: this.options.keep, startedAt: new Date().toISOString() });
    const network = runNetworkName(run.shortId);
    if (plan.clusters.some((planned) => !(existing.has(planned.name) && this.options.keep))) {
      // Registered before the clusters' removal, so it runs after it: Docker removes no network with containers on it.
      if (!this.options.keep) run.onCleanup(`network ${network}`, async () => { await removeNetwork(network); }, { cluster: network });
      await createRunNetwork(network, run.runId, run.signal);
    }
    for (const planned of plan.clusters) {
      if (!this.options.keep) {
        run.onCleanup(`kind cluster ${planned.name}`, () => deleteCluster(planned.name, { logFile: run.logFile('cluster-delete'), kubeconfig: kubeconfigFile(planned.name, workDir) }), { cluster: planned.name });
      }
      let kubeconfig: string;
      if (existing.has(planned.name) && this.options.keep) {
        run.say(`  reusing kept cluster ${planned.name}`);
        kubeconfig = await writeKubeconfig(planned.name, workDir, run.signal);
      } else {
        if (existing.has(planned.name)) {
          throw new EnvironmentError(`a kind cluster named ${planned.name} exists already`, { fix: 'pass --keep to reuse it, another --name, or delete it: kind delete cluster --name ' + planned.name });
        }
        const image = await this.nodeImage(planned.kubernetesVersion);
        run.say(`  creating ${planned.name} (Kubernetes ${planned.kubernetesVersion}) on network ${network}: ${planned.pools.map((pool) => `${pool.name} [${pool.allowedUnsafeSysctls.join(',') || 'no unsafe'}]`).join(', ')}`);
        kubeconfig = await createCluster({
          name: planned.name, image, config: kindConfigFor(plan, planned.name, image), workDir, network, logFile: run.logFile('cluster-create'), signal: run.signal,
        }).catch(async (error: unknown) => { throw await explainCreateFailure(error); });
      }
      this.network ??= await nodeNetwork(`${planned.name}-control-plane`, run.signal);
      const kube = connect({ kubeconfig }, run.signal);
      const namespace = runNamespace(run.shortId);
      // The namespace goes with the cluster. A kept cluster still holds the namespaces of the runs
      // before: their workloads would run on beside this run's, so they go first.
      if (existing.has(planned.name)) await removeNamespaceLeftovers(kube, namespace, run.say);
      await createRunNamespace(kube, namespace, run.runId, scenarioNamespaceLabels(plan.scenario));
      const expected = plannedKindNodes({ ...plan, clusters: [planned] }).map((node) => node.name);
      const notReady = await awaitNodesReady(kube, expected, 300_000);
      if (notReady.length > 0) throw new EnvironmentError(`kind cluster ${planned.name}: ${notReady.join(', ')} did not register Ready within 300 s`, { fix: `see ${run.logFile('cluster-create')}; on a busy machine, run again` });
      const nodes = toClusterNodes(await listNodes(kube), planned.pools);
      const access = new Map<string, NodeAccess>();
      clusters.push({
        name: planned.name,
        objects: new KubeObjects({ kube, namespace }),
        namespace,
        nodes,
        node: async (name) => {
          let node = access.get(name);
          if (!node) {
            if (!nodes.some((candidate) => candidate.name === name)) throw new Error(`cluster ${planned.name} has no node ${name}`);
            node = new DockerExecNode(name, run.signal);
            access.set(name, node);
          }
          return node;
        },
      });
    }
    return clusters;
  }

  async loadImages(clusters: readonly Cluster[], images: ImageSet, run: ProviderRun): Promise<void> {
    const refs = [...BUILT_IN_APPS.map((app) => images[app]), images.loadgen, ...(images.own ?? [])];
    for (const cluster of clusters) await loadImages(cluster.name, refs, run.logFile('image-load'), run.signal);
  }

  /**
   * The nodes share this machine's kernel: its whole /proc/sys is kept before the first cluster of
   * any run and put back after the last one (harness/host/guard.ts).
   */
  hostKernel(): HostKernelDeps {
    return { procRoot: PROC_SYS, stateDir: cacheDir('host'), clusters: sysctlBenchClusters, alive: processIsHolder };
  }

  async exportLogs(clusters: readonly Cluster[], dir: string, run: ProviderRun): Promise<string[]> {
    const written: string[] = [];
    for (const cluster of clusters) {
      const target = join(dir, cluster.name);
      await exportLogs(cluster.name, target, run.logFile('export-logs'));
      written.push(target);
    }
    return written;
  }

  /** The load generator as a container on the clusters' network, beside the nodes. */
  containerLoad(run: ProviderRun): LoadRunner {
    if (!this.network) throw new Error('internal: the load generator needs the clusters up first (their network)');
    return new ContainerLoadRunner(new LoadDriver({ runId: run.runId, network: this.network }), run.signal);
  }

  async environment(): Promise<ProviderEnvironment> {
    const primary = this.nodeImages.get(this.options.kubernetesVersions[0] ?? '');
    const docker = await run('docker', ['version', '--format', '{{.Server.Version}}'], { allowFailure: true });
    return {
      provider: 'kind', detail: `kind ${await kindVersion()}`, ...(primary ? { nodeImage: primary } : {}),
      ...(this.nodeImages.size > 1 ? { nodeImages: Object.fromEntries(this.nodeImages) } : {}),
      ...(docker.exitCode === 0 && docker.stdout.trim() ? { containerRuntime: `Docker ${docker.stdout.trim()}` } : {}),
    };
  }
}

/**
 * A node container that stops while kind prepares it is, on a machine already running other kind
 * nodes, most often systemd inside it failing for want of inotify instances (one limit per user
 * for every container: fs.inotify.max_user_instances, 128 by default). Said with the count.
 */
async function explainCreateFailure(error: unknown): Promise<unknown> {
  if (!(error instanceof Error) || !/is not running/.test(error.message)) return error;
  const nodes = (await kindClustersOnMachine()).length;
  const limit = readProcSys('fs.inotify.max_user_instances') ?? '?';
  return new EnvironmentError(`${error.message.split('\n')[0]}\na kind node stopped while it was being prepared; ${nodes} other kind cluster(s) run on this machine (fs.inotify.max_user_instances is ${limit})`, {
    fix: 'run when fewer kind clusters are up, or raise the limit yourself: sysctl -w fs.inotify.max_user_instances=512 (kind\'s known-issues page)',
  });
}

/**
 * kind nodes cannot pull: a team's own image must be in this machine's Docker image store, where
 * `kind load` takes it from. Said before any cluster is made, naming the workload.
 */
async function requireLocalImages(scenario: Scenario): Promise<void> {
  for (const [index, workload] of scenario.spec.workloads.entries()) {
    if (!workload.image || await inspectImage(workload.image.reference)) continue;
    throw new UserError(`workloads[${index}].image.reference of ${workload.name}: ${workload.image.reference} is not in this machine's Docker image store`, {
      fix: `build or pull it first (docker build -t ${workload.image.reference} . / docker pull ${workload.image.reference}); kind nodes get images from there, they pull nothing`,
    });
  }
}

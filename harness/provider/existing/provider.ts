import { join } from 'node:path';
import { EnvironmentError, UserError } from '../../errors.js';
import { apiStatus, connect, loadKubeConfig, type Kube, type KubeSource } from '../../kube/client.js';
import { poolSelector, type Plan } from '../../plan/plan.js';
import { scenarioNamespaceLabels } from '../../policy/index.js';
import { snapshotWith } from '../../probes/host-snapshot.js';
import { isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion } from '../../policy/versions.js';
import type { Scenario } from '../../scenario/schema.js';
import { imageRef } from '../../toolchain/artefacts/workload-images.js';
import { KubeObjects } from '../../workloads/kube-objects.js';
import { objectName } from '../../workloads/spec.js';
import { exportNamespaceLogs } from './logs.js';
import { createRunNamespace, deleteRunNamespace, removeNamespaceLeftovers, runNamespace, startHeartbeat } from '../namespace.js';
import { listNodes, toClusterNodes } from '../nodes.js';
import type { Cluster, ClusterFacts, ClusterProvider, ImageSet, KernelSnapshot, NodeAccess, NodeFacts, ProviderEnvironment, ProviderRun } from '../types.js';
import { AgentPodNode } from './agent-node.js';
import { builtInImages } from '../../workloads/apps/index.js';
import { readKubeletConfig } from './configz.js';
import { minorOf, nodeFacts, nodesOfPool, poolFacts } from './pools.js';

export interface ExistingProviderOptions extends KubeSource {
  /** Where the nodes pull the sysctl-bench images from: host[:port][/path]. */
  registry: string | undefined;
  /** Proofs may write node values (and restore them); never a kubelet restart. */
  allowNodeWrites: boolean;
}

/**
 * A cluster someone else runs, reached by a kubeconfig and context. sysctl-bench creates and
 * deletes nothing there but its own namespace and what is in it; it reads the kubelets'
 * allowlists from the live nodes, pulls images from a registry the user names, and probes
 * read-only unless told otherwise.
 */
export class ExistingProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  readonly capabilities;
  readonly phaseNames = { up: 'cluster-connect', down: 'namespace-delete' } as const;
  readonly loadsImages = false;
  readonly kernelWitness = 'nodes' as const;
  private kube: Kube | undefined;
  private server = '';

  /** Checks the kubeconfig, its context and the registry at once: a mistake there is the user's, said before a run starts. */
  constructor(private readonly options: ExistingProviderOptions) {
    this.capabilities = { nodeWrites: options.allowNodeWrites, kubeletRestart: false, containerLoad: false, sharesHostKernel: false } as const;
    this.server = loadKubeConfig(options).getCurrentCluster()?.server ?? '';
    if (options.registry === undefined) {
      throw new UserError('an existing cluster pulls the sysctl-bench images from a registry: name it', {
        fix: 'pass --registry HOST[:PORT][/PATH] or set spec.imageRegistry (push the images there first: sysctl-bench images --registry R --push)',
      });
    }
  }

  private client(signal: AbortSignal): Kube {
    this.kube ??= connect(loadKubeConfig(this.options), signal);
    return this.kube;
  }

  /** Nothing to build here; the API server must answer. */
  async prepare(run: ProviderRun): Promise<void> {
    try {
      await this.client(run.signal).version.getCode();
    } catch (error) {
      if (run.signal.aborted) throw error;
      throw new EnvironmentError(`the API server at ${this.server} does not answer: ${apiStatus(error).message.split('\n')[0]}`, {
        fix: `check the kubeconfig ${this.options.kubeconfig}${this.options.context ? ` (context ${this.options.context})` : ''} with kubectl get nodes`,
      });
    }
  }

  async images(): Promise<ImageSet> {
    const registry = (this.options.registry ?? '').replace(/\/$/, '');
    const at = (ref: string) => `${registry}/${ref}`;
    return { ...builtInImages((app) => at(imageRef(app))), loadgen: at(imageRef('loadgen')), pullPolicy: 'IfNotPresent' };
  }

  removeLeftovers(run: ProviderRun): Promise<string[]> {
    return removeNamespaceLeftovers(this.client(run.signal), runNamespace(run.shortId), run.say);
  }

  async observe(scenario: Scenario, run: ProviderRun): Promise<ClusterFacts> {
    const kube = this.client(run.signal);
    const gitVersion = (await kube.version.getCode()).gitVersion;
    const findings: string[] = [];
    const minor = minorOf(gitVersion) ?? scenario.spec.kubernetesVersion;
    let kubernetesVersion = minor;
    const parsed = parseMinorVersion(minor);
    if (!parsed || !isModelled(parsed)) {
      kubernetesVersion = NEWEST_MODELLED;
      findings.push(`the cluster runs Kubernetes ${gitVersion}; the policy model covers ${OLDEST_MODELLED} to ${NEWEST_MODELLED}: predictions use ${NEWEST_MODELLED}`);
    }
    if (scenario.spec.kubernetesVersions.length > 1) {
      findings.push(`the scenario lists Kubernetes ${scenario.spec.kubernetesVersions.join(', ')}; an existing cluster runs one version (${gitVersion}): admission is observed on it only`);
    } else if (minor !== scenario.spec.kubernetesVersion) {
      findings.push(`the scenario declares Kubernetes ${scenario.spec.kubernetesVersion}; the cluster runs ${gitVersion}: predictions use the cluster's version`);
    }
    const nodes = await listNodes(kube);
    const pools = [];
    for (const pool of scenario.spec.pools) {
      const selector = poolSelector(pool);
      const facts: NodeFacts[] = [];
      for (const node of nodesOfPool(nodes, selector)) facts.push(nodeFacts(pool, node, await readKubeletConfig(kube, node.metadata?.name ?? '')));
      const observed = poolFacts(pool, selector, facts);
      if (observed.nodes.length === 0) {
        throw new UserError(`pool ${pool.name}: no node of the cluster has the labels ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}`, {
          where: `spec.pools[${pool.name}]`,
          fix: `set pools[].nodeSelector to labels your nodes have (kubectl get nodes --show-labels), or label nodes: kubectl label node NODE ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(' ')}`,
        });
      }
      pools.push(observed);
    }
    return { kubernetesVersion, kubernetesPatch: gitVersion.replace(/^v/, ''), versionSource: 'api-server', kernelSysctls: undefined, findings, pools };
  }

  async up(plan: Plan, run: ProviderRun): Promise<Cluster[]> {
    const [planned, ...more] = plan.clusters;
    if (!planned || more.length > 0) {
      throw new UserError('layout per-pool needs a cluster per pool; an existing cluster is one cluster', { where: 'spec.layout', fix: 'use layout: shared (the default) with --kubeconfig' });
    }
    const kube = this.client(run.signal);
    const namespace = runNamespace(run.shortId);
    await createRunNamespace(kube, namespace, run.runId, scenarioNamespaceLabels(plan.scenario));
    const stopHeartbeat = startHeartbeat(connect(loadKubeConfig(this.options)), namespace);
    run.onCleanup(`namespace ${namespace}`, async () => {
      stopHeartbeat();
      // A client without the run's signal: the clean-up runs after Ctrl-C too.
      if (!(await deleteRunNamespace(connect(loadKubeConfig(this.options)), namespace))) {
        throw new Error(`namespace ${namespace} was still terminating after 180 s; the next run removes it`);
      }
    }, { cluster: namespace });
    const nodes = toClusterNodes(await listNodes(kube), planned.pools);
    const images = await this.images();
    const agents = new Map<string, Promise<NodeAccess>>();
    const objects = new KubeObjects({ kube, namespace });
    const cluster: Cluster = {
      name: plan.clusters[0]?.name ?? 'existing',
      objects,
      namespace,
      nodes,
      node: (name) => {
        let agent = agents.get(name);
        if (!agent) {
          if (!nodes.some((candidate) => candidate.name === name)) return Promise.reject(new Error(`the cluster has no node ${name}`));
          agent = objects.startProbePod({
            node: name, image: images['net-server'], imagePullPolicy: images.pullPolicy, privileged: true, hostNamespaces: true, name: objectName('node-agent', name),
          }).then((pod) => new AgentPodNode(objects, name, pod, this.options.allowNodeWrites));
          agent.catch(() => agents.delete(name));
          agents.set(name, agent);
        }
        return agent;
      },
    };
    return [cluster];
  }

  /** The run's pods' logs and its namespace's events (nothing of the nodes: they are not sysctl-bench's). */
  async exportLogs(clusters: readonly Cluster[], dir: string): Promise<string[]> {
    const kube = connect(loadKubeConfig(this.options));
    const written: string[] = [];
    for (const cluster of clusters) written.push(...await exportNamespaceLogs(kube, cluster.namespace, join(dir, cluster.namespace)));
    return written;
  }

  /** The nodes pull from the registry: nothing is loaded into them. */
  async loadImages(): Promise<void> {}

  /** Each pool node's own values, read through its node agent. */
  async kernelSnapshot(names: readonly string[], clusters: readonly Cluster[]): Promise<KernelSnapshot> {
    const snapshot: KernelSnapshot = {};
    for (const cluster of clusters) {
      for (const node of cluster.nodes.filter((candidate) => candidate.pool !== undefined)) {
        const access = await cluster.node(node.name);
        snapshot[`node ${node.name}`] = await snapshotWith((name) => access.readSysctl(name), names);
      }
    }
    return snapshot;
  }

  async environment(): Promise<ProviderEnvironment> {
    return { provider: 'existing', detail: `${this.server}${this.options.context ? ` (context ${this.options.context})` : ''}` };
  }
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseDocument } from 'yaml';
import { hostKernelStatus, processIsHolder, restoreIfUnused, type HostKernelDeps } from '../host/guard.js';
import { PROC_SYS } from '../host/procsys.js';
import { runLabel } from '../load/labels.js';
import { deleteCluster } from '../provider/kind/cli.js';
import { kindClustersOnMachine, labelledNetworks, removeNetwork } from '../provider/kind/network.js';
import { ownerAlive, readOwnerships, removeOwnership, type Ownership } from '../run/ownership.js';
import { run } from '../toolchain/exec.js';
import { cacheDir } from '../toolchain/paths.js';

/**
 * Everything sysctl-bench created on this machine, found by what marks it as sysctl-bench's own
 * and nothing else: clusters a run recorded (<cache>/runs/*.json) or whose nodes sit on a network
 * sysctl-bench made; containers, networks and volumes with its run label; kubeconfig entries of
 * those clusters; the run records; the host kernel's baseline. A live run's are left alone.
 */
export type CleanKind = 'cluster' | 'container' | 'network' | 'volume' | 'kubeconfig' | 'record' | 'host-kernel' | 'namespace';

export interface CleanItem {
  kind: CleanKind;
  name: string;
  /** Whose it is and why it is sysctl-bench's. */
  why: string;
  /** Left alone, and why (a live run's). */
  skip?: string;
}

export interface CleanOutcome {
  item: CleanItem;
  done: boolean;
  detail?: string;
}

const kindLabel = 'io.x-k8s.kind.cluster';

export function hostKernelDeps(): HostKernelDeps {
  return { procRoot: PROC_SYS, stateDir: cacheDir('host'), clusters: sysctlBenchClustersNow, alive: processIsHolder };
}

async function sysctlBenchClustersNow(): Promise<string[]> {
  const recorded = new Set(readOwnerships().flatMap((owner) => owner.clusters));
  return (await kindClustersOnMachine()).filter((cluster) => recorded.has(cluster));
}

/** The kubeconfig files kubectl and kind would write: $KUBECONFIG's first, or ~/.kube/config. */
function defaultKubeconfig(): string {
  const fromEnv = process.env.KUBECONFIG?.split(delimiter).find(Boolean);
  return fromEnv ?? join(homedir(), '.kube', 'config');
}

async function docker(args: string[]): Promise<string[]> {
  const out = await run('docker', args, { allowFailure: true }).catch(() => undefined);
  return out && out.exitCode === 0 ? out.stdout.split('\n').map((line) => line.trim()).filter(Boolean) : [];
}

function ownerOf(owners: readonly Ownership[], cluster: string): Ownership | undefined {
  return owners.find((owner) => owner.clusters.includes(cluster));
}

export async function findMachineLeftovers(): Promise<CleanItem[]> {
  const owners = readOwnerships();
  const live = new Map(owners.filter((owner) => ownerAlive(owner)).map((owner) => [owner.runId, owner]));
  const liveSkip = (runId: string | undefined) => {
    const owner = runId ? live.get(runId) : undefined;
    return owner ? { skip: `run ${owner.runId} is still running (pid ${owner.pid})` } : {};
  };
  const items: CleanItem[] = [];

  const networks = await labelledNetworks();
  const onOurNetworks = new Map<string, string>();
  for (const network of networks) {
    for (const cluster of await docker(['ps', '-a', '--filter', `network=${network.name}`, '--filter', `label=${kindLabel}`, '--format', `{{.Label "${kindLabel}"}}`])) onOurNetworks.set(cluster, network.runId);
  }
  const existing = new Set(await kindClustersOnMachine());
  const clusters = new Set<string>();
  for (const cluster of existing) {
    const owner = ownerOf(owners, cluster);
    const networkRun = onOurNetworks.get(cluster);
    if (!owner && !networkRun) continue;
    clusters.add(cluster);
    const runId = owner?.runId ?? networkRun;
    const why = owner ? `${owner.keep ? 'kept' : 'left'} by run ${owner.runId}` : `on network of run ${networkRun}`;
    items.push({ kind: 'cluster', name: cluster, why, ...liveSkip(runId) });
  }

  const recorded = new Set(owners.map((owner) => owner.runId));
  for (const line of await docker(['ps', '-a', '--filter', `label=${runLabel}`, '--format', `{{.ID}}\t{{.Names}}\t{{.Label "${runLabel}"}}\t{{.State}}`])) {
    const [id = '', name = '', runId = '', state = ''] = line.split('\t');
    // Running, and no run on record to say whether it is alive (a test's, or a run made before records): left alone.
    const unknownRunning = state === 'running' && !recorded.has(runId) ? { skip: 'running, and no run record says its run is gone; run clean again once it has stopped' } : {};
    items.push({ kind: 'container', name: `${name} (${id})`, why: `load generator of run ${runId}`, ...unknownRunning, ...liveSkip(runId) });
  }
  const busy = new Set(items.filter((item) => item.kind === 'container' && item.skip).map((item) => item.why.replace(/^load generator of run /, '')));
  for (const network of networks) {
    const inUse = busy.has(network.runId) ? { skip: 'containers of its run still run on it' } : {};
    items.push({ kind: 'network', name: network.name, why: `network of run ${network.runId}`, ...inUse, ...liveSkip(network.runId) });
  }
  for (const line of await docker(['volume', 'ls', '--filter', `label=${runLabel}`, '--format', `{{.Name}}\t{{.Label "${runLabel}"}}`])) {
    const [name = '', runId = ''] = line.split('\t');
    items.push({ kind: 'volume', name, why: `volume of run ${runId}`, ...liveSkip(runId) });
  }

  // Entries kind wrote for sysctl-bench's clusters into the default kubeconfig (runs write theirs to the run directory).
  const names = new Set([...clusters, ...owners.flatMap((owner) => owner.clusters)]);
  const file = defaultKubeconfig();
  for (const context of kubeconfigContexts(file)) {
    const cluster = context.replace(/^kind-/, '');
    if (context.startsWith('kind-') && names.has(cluster) && !existing.has(cluster)) {
      items.push({ kind: 'kubeconfig', name: `${context} in ${file}`, why: `entry of cluster ${cluster}, which is gone`, ...liveSkip(ownerOf(owners, cluster)?.runId) });
    }
  }
  for (const owner of owners) items.push({ kind: 'record', name: join(cacheDir('runs'), `${owner.runId}.json`), why: `run ${owner.runId}${owner.keep ? ' (kept its clusters)' : ''}`, ...liveSkip(owner.runId) });

  const host = await hostKernelStatus(hostKernelDeps());
  if (host) {
    const removed = new Set(items.filter((item) => item.kind === 'cluster' && !item.skip).map((item) => item.name));
    const others = host.waitingFor.filter((who) => !who.startsWith('cluster ') || !removed.has(who.slice('cluster '.length)));
    items.push({
      kind: 'host-kernel',
      name: `${host.changes.length} /proc/sys ${host.changes.length === 1 ? 'entry differs' : 'entries differ'} from the baseline of run ${host.baseline.runId}${host.changes.length ? `: ${host.changes.map((change) => `${change.name} ${change.found ?? '(absent)'} -> ${change.before ?? '(absent)'}`).join(', ')}` : ''}`,
      why: `kept since ${host.baseline.takenAt}; put back once nothing of sysctl-bench is left`,
      ...(others.length > 0 ? { skip: `still in use by ${others.join(', ')}` } : {}),
    });
  }
  return items;
}

export function kubeconfigContexts(file: string): string[] {
  if (!existsSync(file)) return [];
  try {
    const document = parseDocument(readFileSync(file, 'utf8')).toJS() as { contexts?: Array<{ name?: string }> } | null;
    return (document?.contexts ?? []).map((context) => context.name ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

/** Removes kind-<cluster> from clusters, contexts and users, as `kind delete cluster` does. */
export function removeKubeconfigEntry(file: string, context: string): void {
  const document = parseDocument(readFileSync(file, 'utf8'));
  for (const section of ['clusters', 'contexts', 'users']) {
    const list = document.get(section) as { items?: Array<{ get(key: string): unknown }> } | undefined;
    if (!list?.items) continue;
    list.items = list.items.filter((entry) => entry.get('name') !== context);
  }
  if (document.get('current-context') === context) document.set('current-context', '');
  writeFileSync(file, document.toString(), { mode: 0o600 });
}

async function removeCluster(name: string): Promise<void> {
  try {
    await deleteCluster(name);
  } catch (error) {
    // Without kind (a cache removed by hand): its node containers, by kind's own label.
    const nodes = await docker(['ps', '-a', '-q', '--filter', `label=${kindLabel}=${name}`]);
    if (nodes.length === 0) throw error;
    await run('docker', ['rm', '-f', '-v', ...nodes]);
  }
}

/** Removes what findMachineLeftovers listed (less what it skipped), in an order Docker accepts; the host kernel last. */
export async function removeMachineLeftovers(items: readonly CleanItem[]): Promise<CleanOutcome[]> {
  const outcomes: CleanOutcome[] = [];
  const order: CleanKind[] = ['container', 'cluster', 'network', 'volume', 'kubeconfig', 'record', 'host-kernel'];
  for (const kind of order) {
    for (const item of items.filter((candidate) => candidate.kind === kind && !candidate.skip)) {
      try {
        outcomes.push({ item, ...await removeOne(item) });
      } catch (error) {
        outcomes.push({ item, done: false, detail: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      }
    }
  }
  return outcomes;
}

async function removeOne(item: CleanItem): Promise<{ done: boolean; detail?: string }> {
  switch (item.kind) {
    case 'container': {
      const id = /\(([^)]+)\)$/.exec(item.name)?.[1] ?? item.name;
      await run('docker', ['rm', '-f', '-v', id]);
      return { done: true };
    }
    case 'cluster':
      await removeCluster(item.name);
      return { done: true };
    case 'network':
      return (await removeNetwork(item.name)) ? { done: true } : { done: false, detail: 'Docker refused: containers are still on it' };
    case 'volume':
      await run('docker', ['volume', 'rm', item.name]);
      return { done: true };
    case 'kubeconfig': {
      const [context = '', file = ''] = item.name.split(' in ');
      removeKubeconfigEntry(file, context);
      return { done: true };
    }
    case 'record':
      removeOwnership(item.name.replace(/^.*\//, '').replace(/\.json$/, ''));
      return { done: true };
    case 'namespace':
      return { done: false, detail: 'a namespace is removed with --kubeconfig' };
    case 'host-kernel': {
      const restored = await restoreIfUnused(hostKernelDeps());
      if (!restored) return { done: true, detail: 'no baseline left' };
      if ('waitingFor' in restored) return { done: false, detail: `still in use by ${restored.waitingFor.join(', ')}` };
      const put = restored.restored.filter((change) => change.restored).map((change) => change.name);
      return restored.remaining.length === 0
        ? { done: true, detail: put.length ? `put back: ${put.join(', ')}` : 'nothing differed' }
        : { done: false, detail: `still different: ${restored.remaining.map((difference) => `${difference.name} ${difference.before ?? '(absent)'} -> ${difference.after ?? '(absent)'}`).join(', ')}` };
    }
    default: {
      const never: never = item.kind;
      throw new Error(`unknown item ${String(never)}`);
    }
  }
}

import { runLabel } from '../../load/labels.js';
import { ownerAlive, readOwnerships, removeOwnership } from '../../run/ownership.js';
import { run } from '../../toolchain/exec.js';
import { deleteCluster, listClusters } from './cli.js';
import { kindClustersOnMachine, labelledNetworks, removeNetwork } from './network.js';

/**
 * Removes what killed runs left behind on this machine. Containers first: a load generator must
 * never outlive the cluster it sends to, or its traffic would follow the cluster's old addresses
 * off the machine. Then their clusters, then their networks. Clusters of live runs and clusters
 * kept with --keep or --retain are left alone, and so is any cluster no run recorded as its own.
 */
export async function removeKindLeftovers(currentRunId: string, log: (line: string) => void): Promise<string[]> {
  const removed: string[] = [];
  const owners = readOwnerships().filter((owner) => owner.runId !== currentRunId);
  const liveRuns = new Set(owners.filter((owner) => ownerAlive(owner)).map((owner) => owner.runId));
  const keptRuns = new Set(owners.filter((owner) => owner.keep).map((owner) => owner.runId));
  const protectedClusters = new Set(owners.filter((owner) => owner.keep || liveRuns.has(owner.runId)).flatMap((owner) => owner.clusters));

  const containers = await run('docker', ['ps', '-a', '--filter', `label=${runLabel}`, '--format', `{{.ID}}\t{{.Label "${runLabel}"}}`], { allowFailure: true });
  for (const line of containers.stdout.split('\n').filter(Boolean)) {
    const [id, owner] = line.split('\t');
    if (!id || (owner && (liveRuns.has(owner) || owner === currentRunId))) continue;
    await run('docker', ['rm', '-f', '-v', id], { allowFailure: true });
    removed.push(`container ${id} of run ${owner ?? '?'}`);
  }
  // Only clusters a dead run wrote down as its own: a cluster nobody owns may be a user's or a test's.
  const existing = new Set([...await listClusters(), ...await kindClustersOnMachine()]);
  const abandoned = owners.filter((owner) => !owner.keep && !liveRuns.has(owner.runId)).flatMap((owner) => owner.clusters);
  for (const cluster of new Set(abandoned)) {
    if (!existing.has(cluster) || protectedClusters.has(cluster)) continue;
    log(`removing leftover cluster ${cluster}`);
    try {
      await deleteCluster(cluster);
      removed.push(`cluster ${cluster}`);
    } catch (error) {
      // Another run may be removing the same leftover at this moment ("removal ... already in
      // progress"): a leftover that cannot be removed now is not this run's failure.
      log(`  could not remove ${cluster} now (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the next run tries again`);
    }
  }
  // A dead run's record goes once none of its clusters is left, so that one not removed now is tried again.
  const remaining = new Set([...await listClusters(), ...await kindClustersOnMachine()]);
  for (const owner of owners) {
    if (!liveRuns.has(owner.runId) && !owner.keep && owner.clusters.every((cluster) => !remaining.has(cluster))) removeOwnership(owner.runId);
  }
  // A network of a run that is gone and kept nothing; Docker refuses one that still has containers.
  for (const network of await labelledNetworks()) {
    if (network.runId === currentRunId || liveRuns.has(network.runId) || keptRuns.has(network.runId)) continue;
    if (await removeNetwork(network.name)) removed.push(`network ${network.name} of run ${network.runId}`);
  }
  return removed;
}

/** sysctl-bench's kind clusters on this machine now: those a run recorded as its own, kept ones too. */
export async function sysctlBenchClusters(): Promise<string[]> {
  const recorded = new Set(readOwnerships().flatMap((owner) => owner.clusters));
  if (recorded.size === 0) return [];
  return (await kindClustersOnMachine()).filter((cluster) => recorded.has(cluster));
}

import { runLabel } from '../../load/container.js';
import { processAlive, readOwnerships, removeOwnership } from '../../run/ownership.js';
import { run } from '../../toolchain/exec.js';
import { deleteCluster, listClusters } from './cli.js';

/**
 * Removes what killed runs left behind on this machine. Containers first: a load generator must
 * never outlive the cluster it sends to, or its traffic would follow the cluster's old addresses
 * off the machine. Clusters of live runs and clusters kept with --keep are left alone, and so is
 * any cluster no run recorded as its own.
 */
export async function removeKindLeftovers(currentRunId: string, log: (line: string) => void): Promise<string[]> {
  const removed: string[] = [];
  const owners = readOwnerships().filter((owner) => owner.runId !== currentRunId);
  const liveRuns = new Set(owners.filter((owner) => processAlive(owner.pid)).map((owner) => owner.runId));
  const protectedClusters = new Set(owners.filter((owner) => owner.keep || liveRuns.has(owner.runId)).flatMap((owner) => owner.clusters));

  const containers = await run('docker', ['ps', '-a', '--filter', `label=${runLabel}`, '--format', `{{.ID}}\t{{.Label "${runLabel}"}}`], { allowFailure: true });
  for (const line of containers.stdout.split('\n').filter(Boolean)) {
    const [id, owner] = line.split('\t');
    if (!id || (owner && (liveRuns.has(owner) || owner === currentRunId))) continue;
    await run('docker', ['rm', '-f', '-v', id], { allowFailure: true });
    removed.push(`container ${id} of run ${owner ?? '?'}`);
  }
  // Only clusters a dead run wrote down as its own: a cluster nobody owns may be a user's or a test's.
  const existing = new Set(await listClusters());
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
  const remaining = new Set(await listClusters());
  for (const owner of owners) {
    if (!liveRuns.has(owner.runId) && !owner.keep && owner.clusters.length > 0 && owner.clusters.every((cluster) => !remaining.has(cluster))) removeOwnership(owner.runId);
  }
  return removed;
}

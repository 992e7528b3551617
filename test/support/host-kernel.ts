import { compareHost, describeDifference } from '../../harness/host/compare.js';
import { snapshotProcSys, type ProcSysSnapshot } from '../../harness/host/procsys.js';
import { run } from '../../harness/toolchain/exec.js';

/**
 * A Docker network for a test's own kind cluster (one sysctl-bench did not create), IPv4 only.
 * Left to make it, kind adds an IPv6 subnet, and dockerd then turns on
 * net.ipv6.conf.{all,default,<each interface>}.forwarding on this machine and never turns it off:
 * three CI runs left the CI machine so. kind uses a network that exists
 * (KIND_EXPERIMENTAL_DOCKER_NETWORK). Not labelled as a run's, so no run's clean-up takes it.
 */
export async function createIpv4Network(name: string): Promise<void> {
  if ((await run('docker', ['network', 'inspect', name], { allowFailure: true })).exitCode === 0) return;
  await run('docker', ['network', 'create', '--driver', 'bridge', name]);
}

/**
 * What reads otherwise now than in `before`, every entry but the counters that move by themselves
 * and the interfaces that came or went (the harness's own comparison), as "name before -> after".
 */
export function hostDifferences(before: ProcSysSnapshot): string[] {
  return compareHost(before, snapshotProcSys()).differences.map(describeDifference);
}

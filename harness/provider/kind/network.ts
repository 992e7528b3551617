import { runLabel } from '../../load/labels.js';
import { run } from '../../toolchain/exec.js';

/**
 * Each run's kind clusters get a Docker network of their own, made here and labelled with the run
 * id (kind uses a network that exists already: KIND_EXPERIMENTAL_DOCKER_NETWORK). So a run removes
 * only what it made, two runs never share a bridge, and the network is IPv4 only: when kind makes
 * its shared `kind` network with IPv6, dockerd turns on net.ipv6.conf.all.forwarding on this
 * machine and never turns it off.
 */
export function runNetworkName(shortId: string): string {
  return `sysctl-bench-${shortId}`;
}

export async function createRunNetwork(name: string, runId: string, signal?: AbortSignal): Promise<void> {
  await createIpv4Network(name, [`${runLabel}=${runId}`], signal);
}

/**
 * An IPv4-only bridge network for kind (see above), made unless it exists. Also for a cluster
 * sysctl-bench does not own (the tests' stand-ins), with no run label so that no run's clean-up takes it.
 */
export async function createIpv4Network(name: string, labels: readonly string[] = [], signal?: AbortSignal): Promise<void> {
  const existing = await run('docker', ['network', 'inspect', name, '--format', '{{.Name}}'], { allowFailure: true, signal });
  if (existing.exitCode === 0) return;
  await run('docker', ['network', 'create', '--driver', 'bridge', ...labels.flatMap((label) => ['--label', label]), name], { signal });
}

/** Removes the network once no container is on it (Docker refuses otherwise, so a cluster still there keeps it). */
export async function removeNetwork(name: string): Promise<boolean> {
  return (await run('docker', ['network', 'rm', name], { allowFailure: true })).exitCode === 0;
}

/** The networks sysctl-bench made on this machine, with the run that made each. */
export async function labelledNetworks(): Promise<Array<{ name: string; runId: string }>> {
  const out = await run('docker', ['network', 'ls', '--filter', `label=${runLabel}`, '--format', `{{.Name}}\t{{.Label "${runLabel}"}}`], { allowFailure: true });
  if (out.exitCode !== 0) return [];
  return out.stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', runId = ''] = line.split('\t');
    return { name, runId };
  });
}

/** The Docker network a kind node is on: where a load generator beside the cluster must be. */
export async function nodeNetwork(node: string, signal?: AbortSignal): Promise<string> {
  const out = await run('docker', ['inspect', node, '--format', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}'], { signal });
  const name = out.stdout.trim().split(/\s+/)[0];
  if (!name) throw new Error(`kind node ${node} is on no Docker network`);
  return name;
}

/** kind clusters on this machine by their node containers (a cluster whose creation was killed has containers kind may not list). */
export async function kindClustersOnMachine(): Promise<string[]> {
  const out = await run('docker', ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Label "io.x-k8s.kind.cluster"}}'], { allowFailure: true }).catch(() => undefined);
  if (!out || out.exitCode !== 0) return [];
  return [...new Set(out.stdout.split('\n').map((line) => line.trim()).filter(Boolean))].sort();
}

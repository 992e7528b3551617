import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../toolchain/exec.js';
import { kindBinary } from '../toolchain/artefacts/kind.js';

export interface ClusterNode {
  /** The docker container, which is also the Kubernetes node name. */
  name: string;
  role: 'control-plane' | 'worker';
  pool: string | undefined;
}

export interface KindCluster {
  name: string;
  kubeconfig: string;
  nodes: ClusterNode[];
}

export interface CreateOptions {
  name: string;
  image: string;
  /** A kind v1alpha4 Cluster object. */
  config: unknown;
  workDir: string;
  logFile: string;
  waitSeconds?: number;
}

export async function listClusters(): Promise<string[]> {
  const kind = await kindBinary();
  const out = await run(kind, ['get', 'clusters'], { allowFailure: true });
  return out.stdout.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('No kind clusters'));
}

export async function createCluster(options: CreateOptions): Promise<KindCluster> {
  const kind = await kindBinary();
  mkdirSync(options.workDir, { recursive: true });
  const configFile = join(options.workDir, `${options.name}.kind.yaml`);
  writeFileSync(configFile, stringify(options.config));
  await run(kind, ['create', 'cluster', '--name', options.name, '--image', options.image, '--config', configFile,
    '--wait', `${options.waitSeconds ?? 300}s`, '--retain=false'], { logFile: options.logFile, timeoutMs: 20 * 60_000 });
  return attachCluster(options.name, options.workDir);
}

/** Connects to a cluster that exists already (a kept one, or one just created). */
export async function attachCluster(name: string, workDir: string): Promise<KindCluster> {
  const kind = await kindBinary();
  mkdirSync(workDir, { recursive: true });
  const kubeconfig = join(workDir, `${name}.kubeconfig`);
  const config = await run(kind, ['get', 'kubeconfig', '--name', name]);
  writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
  return { name, kubeconfig, nodes: await clusterNodes(name) };
}

async function clusterNodes(name: string): Promise<ClusterNode[]> {
  const out = await run('docker', ['ps', '--filter', `label=io.x-k8s.kind.cluster=${name}`,
    '--format', '{{.Names}}\t{{.Label "io.x-k8s.kind.role"}}']);
  const nodes: ClusterNode[] = [];
  for (const line of out.stdout.split('\n').filter(Boolean)) {
    const [container, role] = line.split('\t');
    if (!container) continue;
    const pool = await nodeLabel(container, 'sysctl-bench/pool');
    nodes.push({ name: container, role: role === 'control-plane' ? 'control-plane' : 'worker', pool });
  }
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads a node label from inside the control plane with kubectl, so no client setup is needed this early. */
async function nodeLabel(node: string, label: string): Promise<string | undefined> {
  const out = await run('docker', ['exec', node, 'cat', '/var/lib/kubelet/kubeadm-flags.env'], { allowFailure: true });
  const match = new RegExp(`${label.replace(/[./]/g, '\\$&')}=([A-Za-z0-9_.-]+)`).exec(out.stdout);
  return match?.[1];
}

export async function deleteCluster(name: string, logFile?: string): Promise<void> {
  const kind = await kindBinary();
  await run(kind, ['delete', 'cluster', '--name', name], { logFile, timeoutMs: 5 * 60_000 });
  // kind leaves its shared `kind` network behind; once no cluster is left on it, it goes too.
  // Docker refuses to remove a network that still has containers, so a user's clusters are safe.
  if ((await listClusters()).length === 0) await run('docker', ['network', 'rm', 'kind'], { allowFailure: true });
}

/** `kind load docker-image`: puts locally built images into every node, so nothing is pulled. */
export async function loadImages(cluster: string, images: readonly string[], logFile: string): Promise<void> {
  if (images.length === 0) return;
  const kind = await kindBinary();
  await run(kind, ['load', 'docker-image', '--name', cluster, ...images], { logFile, timeoutMs: 20 * 60_000 });
}

/** Runs a command inside a node container (the pod's host, from the pod's point of view). */
export async function nodeExec(node: string, command: readonly string[], allowFailure = false) {
  return run('docker', ['exec', node, ...command], { allowFailure });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kindBinary } from '../../toolchain/artefacts/kind.js';
import { run } from '../../toolchain/exec.js';

/** The kind command line, one function per subcommand; every call stops on the run's signal. */

export async function listClusters(signal?: AbortSignal): Promise<string[]> {
  const kind = await kindBinary();
  const out = await run(kind, ['get', 'clusters'], { allowFailure: true, signal });
  return out.stdout.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('No kind clusters'));
}

export interface CreateOptions {
  name: string;
  image: string;
  /** A kind v1alpha4 Cluster object. */
  config: unknown;
  workDir: string;
  logFile: string;
  /** The Docker network the nodes join (made beforehand; kind uses it as it is). */
  network: string;
  waitSeconds?: number;
  signal?: AbortSignal;
}

export function kubeconfigFile(name: string, workDir: string): string {
  return join(workDir, `${name}.kubeconfig`);
}

/**
 * `kind create cluster` from a generated config, on the run's own network; returns the kubeconfig
 * file. kind writes it into the run directory (--kubeconfig), never into the user's ~/.kube/config,
 * so a run killed anywhere leaves no entry there.
 */
export async function createCluster(options: CreateOptions): Promise<string> {
  const kind = await kindBinary();
  mkdirSync(options.workDir, { recursive: true });
  const configFile = join(options.workDir, `${options.name}.kind.yaml`);
  writeFileSync(configFile, stringify(options.config));
  const kubeconfig = kubeconfigFile(options.name, options.workDir);
  await run(kind, ['create', 'cluster', '--name', options.name, '--image', options.image, '--config', configFile, '--kubeconfig', kubeconfig,
    '--wait', `${options.waitSeconds ?? 300}s`, '--retain=false'], {
    logFile: options.logFile, timeoutMs: 20 * 60_000, signal: options.signal, env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: options.network },
  });
  return kubeconfig;
}

/** The cluster's kubeconfig, in the run directory (never the user's ~/.kube/config). */
export async function writeKubeconfig(name: string, workDir: string, signal?: AbortSignal): Promise<string> {
  const kind = await kindBinary();
  mkdirSync(workDir, { recursive: true });
  const kubeconfig = kubeconfigFile(name, workDir);
  const config = await run(kind, ['get', 'kubeconfig', '--name', name], { signal });
  writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
  return kubeconfig;
}

/**
 * `kind delete cluster`. With the run's kubeconfig file, kind removes the cluster's entry there;
 * without, from the default kubeconfig (where runs before sysctl-bench wrote to the run directory
 * had theirs).
 */
export async function deleteCluster(name: string, options: { logFile?: string; kubeconfig?: string } = {}): Promise<void> {
  const kind = await kindBinary();
  await run(kind, ['delete', 'cluster', '--name', name, ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : [])], { logFile: options.logFile, timeoutMs: 5 * 60_000 });
}

/** `kind export logs`: the nodes' journals, the kubelet's and containerd's logs, every container's, into `dir`. */
export async function exportLogs(name: string, dir: string, logFile?: string): Promise<void> {
  const kind = await kindBinary();
  await run(kind, ['export', 'logs', dir, '--name', name], { logFile, timeoutMs: 5 * 60_000 });
}

/** `kind load docker-image`: puts locally built images into every node, so nothing is pulled. */
export async function loadImages(cluster: string, images: readonly string[], logFile: string, signal?: AbortSignal): Promise<void> {
  if (images.length === 0) return;
  const kind = await kindBinary();
  await run(kind, ['load', 'docker-image', '--name', cluster, ...images], { logFile, timeoutMs: 20 * 60_000, signal });
}

export async function kindVersion(): Promise<string> {
  const kind = await kindBinary().then((binary) => run(binary, ['version'], { allowFailure: true })).catch(() => undefined);
  return kind?.stdout.trim().split(/\s+/)[1] ?? 'unknown';
}

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
  waitSeconds?: number;
  signal?: AbortSignal;
}

/** `kind create cluster` from a generated config; returns the kubeconfig file written for it. */
export async function createCluster(options: CreateOptions): Promise<string> {
  const kind = await kindBinary();
  mkdirSync(options.workDir, { recursive: true });
  const configFile = join(options.workDir, `${options.name}.kind.yaml`);
  writeFileSync(configFile, stringify(options.config));
  await run(kind, ['create', 'cluster', '--name', options.name, '--image', options.image, '--config', configFile,
    '--wait', `${options.waitSeconds ?? 300}s`, '--retain=false'], { logFile: options.logFile, timeoutMs: 20 * 60_000, signal: options.signal });
  return writeKubeconfig(options.name, options.workDir, options.signal);
}

/** The cluster's kubeconfig, in the run directory (never the user's ~/.kube/config). */
export async function writeKubeconfig(name: string, workDir: string, signal?: AbortSignal): Promise<string> {
  const kind = await kindBinary();
  mkdirSync(workDir, { recursive: true });
  const kubeconfig = join(workDir, `${name}.kubeconfig`);
  const config = await run(kind, ['get', 'kubeconfig', '--name', name], { signal });
  writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
  return kubeconfig;
}

export async function deleteCluster(name: string, logFile?: string): Promise<void> {
  const kind = await kindBinary();
  await run(kind, ['delete', 'cluster', '--name', name], { logFile, timeoutMs: 5 * 60_000 });
  // kind leaves its shared `kind` network behind; once no cluster is left on it, it goes too.
  // Docker refuses to remove a network that still has containers, so a user's clusters are safe.
  if ((await listClusters()).length === 0) await run('docker', ['network', 'rm', 'kind'], { allowFailure: true });
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

import { readFile } from 'node:fs/promises';
import { execInPod, type Kube } from '../kube/client.js';
import { nodeExec } from '../cluster/kind-cluster.js';
import { namespace } from '../workloads/spec.js';
import { normaliseValue, procPath } from './sysctl-path.js';

/** Where a sysctl value is read, each in its own namespaces: the real machine, a kind node, a pod. */
export type Place =
  | { where: 'host' }
  | { where: 'node'; node: string }
  | { where: 'pod'; pod: string; container?: string };

export function describePlace(place: Place): string {
  switch (place.where) {
    case 'host': return 'host';
    case 'node': return `node ${place.node}`;
    case 'pod': return `pod ${place.pod}`;
  }
}

export async function readSysctl(kube: Kube | undefined, place: Place, name: string): Promise<string> {
  const path = procPath(name);
  switch (place.where) {
    case 'host':
      return normaliseValue(await readFile(path, 'utf8'));
    case 'node': {
      const out = await nodeExec(place.node, ['cat', path]);
      return normaliseValue(out.stdout);
    }
    case 'pod': {
      if (!kube) throw new Error('reading a pod needs a cluster client');
      const out = await execInPod(kube, namespace, place.pod, place.container ?? 'app', ['cat', path]);
      if (!out.ok) throw new Error(`cat ${path} in pod ${place.pod} failed: ${out.message ?? out.stderr}`);
      return normaliseValue(out.stdout);
    }
  }
}

/**
 * Writes a sysctl on a node (the pod's host). The value travels as an argument of `sh -c`,
 * never inside the script text.
 */
export async function writeNodeSysctl(node: string, name: string, value: string): Promise<void> {
  await nodeExec(node, ['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', value, procPath(name)]);
}

/** Tries to write a sysctl from inside a pod; returns the error text when the pod may not. */
export async function tryWritePodSysctl(kube: Kube, pod: string, name: string, value: string): Promise<{ ok: boolean; message: string }> {
  const out = await execInPod(kube, namespace, pod, 'app', ['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', value, procPath(name)]);
  return { ok: out.ok, message: (out.stderr || out.message || '').trim() };
}

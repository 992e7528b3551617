import { readFile } from 'node:fs/promises';
import type { Cluster } from '../provider/types.js';
import { normaliseValue, procPath } from './sysctl-path.js';

/** Where a sysctl value is read, each in its own namespaces: the machine running sysctl-bench, a node, a pod. */
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

/** Reads and writes sysctls wherever a proof looks; the isolation checks see nothing else of a cluster. */
export interface Prober {
  read(place: Place, name: string): Promise<string>;
  /** Writes on a node, in its root namespaces. */
  writeNode(node: string, name: string, value: string): Promise<void>;
  /** Tries to write from inside a pod; returns the error text when the pod may not. */
  tryWritePod(pod: string, name: string, value: string): Promise<{ ok: boolean; message: string }>;
}

/** The machine running sysctl-bench: on kind, the nodes' own kernel. */
export async function readHostSysctl(name: string): Promise<string> {
  return normaliseValue(await readFile(procPath(name), 'utf8'));
}

/** A Prober over one cluster: nodes through their NodeAccess, pods through the API's exec. */
export function clusterProber(cluster: Pick<Cluster, 'objects' | 'node'>): Prober {
  return {
    async read(place, name) {
      switch (place.where) {
        case 'host':
          return readHostSysctl(name);
        case 'node':
          return (await cluster.node(place.node)).readSysctl(name);
        case 'pod': {
          const path = procPath(name);
          const out = await cluster.objects.exec(place.pod, ['cat', path], { container: place.container ?? 'app' });
          if (!out.ok) throw new Error(`cat ${path} in pod ${place.pod} failed: ${out.message ?? out.stderr}`);
          return normaliseValue(out.stdout);
        }
      }
    },
    async writeNode(node, name, value) {
      await (await cluster.node(node)).writeSysctl(name, value);
    },
    async tryWritePod(pod, name, value) {
      // The value travels as an argument of `sh -c`, never inside the script text.
      const out = await cluster.objects.exec(pod, ['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', value, procPath(name)]);
      return { ok: out.ok, message: (out.stderr || out.message || '').trim() };
    },
  };
}

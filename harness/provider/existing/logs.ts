import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kube } from '../../kube/client.js';

/**
 * What `kind export logs` is for a cluster sysctl-bench did not create: the logs of every
 * container of the run's pods (the previous instance's too, when one restarted) and the
 * namespace's events, into `dir`. Only the run's namespace is read; the nodes are not.
 */
export async function exportNamespaceLogs(kube: Kube, namespace: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const pods = await kube.core.listNamespacedPod({ namespace });
  for (const pod of pods.items) {
    const name = pod.metadata?.name ?? '';
    const restarted = new Map((pod.status?.containerStatuses ?? []).map((status) => [status.name, status.restartCount > 0]));
    for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      for (const previous of restarted.get(container.name) ? [false, true] : [false]) {
        const text = await kube.core.readNamespacedPodLog({ name, namespace, container: container.name, previous })
          .then((log) => String(log ?? ''), (error: unknown) => `(no log: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
        const file = join(dir, `${name}_${container.name}${previous ? '_previous' : ''}.log`);
        writeFileSync(file, text);
        written.push(file);
      }
    }
    writeFileSync(join(dir, `${name}.status.json`), `${JSON.stringify(pod.status ?? {}, null, 2)}\n`);
  }
  const events = await kube.core.listNamespacedEvent({ namespace });
  const lines = events.items
    .map((event) => ({ at: String(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? ''), event }))
    .sort((a, b) => a.at.localeCompare(b.at))
    .map(({ at, event }) => `${at}\t${event.type ?? ''}\t${event.involvedObject?.kind ?? ''}/${event.involvedObject?.name ?? ''}\t${event.reason ?? ''}\t${event.message ?? ''}`);
  writeFileSync(join(dir, 'events.tsv'), `${lines.join('\n')}\n`);
  written.push(join(dir, 'events.tsv'));
  return written;
}

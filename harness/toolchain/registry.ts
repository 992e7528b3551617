import type { Artefact } from './artefact.js';
import { engineArtefact, privilegedArtefact } from './artefacts/engine.js';
import { goArtefact } from './artefacts/go.js';
import { kindArtefact } from './artefacts/kind.js';
import { nodeImageArtefacts } from './artefacts/node-image.js';
import { workloadImageArtefacts } from './artefacts/workload-images.js';

/**
 * Every artefact, in an order where each comes after what it depends on. Other modules append
 * theirs here (node image, workload images, load generator) so that doctor sees one list.
 */
export const artefacts: Artefact[] = uniqueById([
  engineArtefact, privilegedArtefact, goArtefact, kindArtefact, ...nodeImageArtefacts, ...workloadImageArtefacts,
]);

function uniqueById(list: readonly Artefact[]): Artefact[] {
  return list.filter((artefact, index) => list.findIndex((other) => other.id === artefact.id) === index);
}

/**
 * What a run needs; the rest of the list are build inputs, made only when these need them (a
 * machine that can pull kindest/node never compiles Kubernetes).
 */
export const runArtefactIds = ['docker-engine', 'privileged-containers', 'kind', 'node-image', 'workload-images', 'loadgen-image'] as const;

export function artefactById(id: string): Artefact | undefined {
  return artefacts.find((artefact) => artefact.id === id);
}

/** Topological order restricted to the given ids and what they need, so `--fix` never builds a thing before its inputs. */
export function buildOrder(ids: readonly string[]): Artefact[] {
  const ordered: Artefact[] = [];
  const seen = new Set<string>();
  const visit = (id: string, path: readonly string[]) => {
    if (seen.has(id)) return;
    if (path.includes(id)) throw new Error(`artefact dependency cycle: ${[...path, id].join(' -> ')}`);
    const artefact = artefactById(id);
    if (!artefact) throw new Error(`unknown artefact ${id}`);
    for (const dependency of artefact.dependsOn) visit(dependency, [...path, id]);
    seen.add(id);
    ordered.push(artefact);
  };
  for (const id of ids) visit(id, []);
  return ordered;
}

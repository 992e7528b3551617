import type { Artefact } from './artefact.js';
import { engineArtefact, privilegedArtefact } from './artefacts/engine.js';
import { goArtefact } from './artefacts/go.js';
import { hostProgramsArtefact } from './artefacts/host-programs.js';
import { kindArtefact } from './artefacts/kind.js';
import { baseImageArtefact } from './artefacts/base-image.js';
import { componentImagesArtefact } from './artefacts/component-images.js';
import { kubernetesBinariesArtefact } from './artefacts/kubernetes-binaries.js';
import { nodeImageArtefact, nodeImageArtefacts } from './artefacts/node-image.js';
import { workloadImageArtefacts } from './artefacts/workload-images.js';
import { defaultKubernetesMinor, kubernetesRelease } from './versions.js';

/** Artefacts that exist once per machine (not per Kubernetes version). */
const sharedArtefacts: readonly Artefact[] = [
  hostProgramsArtefact, engineArtefact, privilegedArtefact, goArtefact, kindArtefact, baseImageArtefact, ...workloadImageArtefacts,
];

/** Artefacts made once per Kubernetes minor; their ids are `<name>@<minor>`, e.g. `node-image@1.37`. */
const versionedArtefacts: Record<string, (minor: string) => Artefact> = {
  'kubernetes-binaries': kubernetesBinariesArtefact,
  'component-images': componentImagesArtefact,
  'node-image': nodeImageArtefact,
};

/**
 * Every artefact a Kubernetes minor needs (the default one when none is given), in an order where
 * each comes after what it depends on: what `doctor` lists.
 */
export function artefactsFor(minor: string = defaultKubernetesMinor): Artefact[] {
  return uniqueById([hostProgramsArtefact, kindArtefact, ...nodeImageArtefacts(minor), ...workloadImageArtefacts]);
}

/** The list for the default Kubernetes minor. */
export const artefacts: Artefact[] = artefactsFor();

function uniqueById(list: readonly Artefact[]): Artefact[] {
  return list.filter((artefact, index) => list.findIndex((other) => other.id === artefact.id) === index);
}

/**
 * What a run on a Kubernetes minor needs; the rest of the list are build inputs, made only when
 * these need them (a machine that can pull kindest/node never compiles Kubernetes).
 */
export function runArtefactIdsFor(minor: string = defaultKubernetesMinor): string[] {
  const release = kubernetesRelease(minor);
  return ['host-programs', 'docker-engine', 'privileged-containers', 'kind', `node-image@${release.minor}`, 'workload-images', 'loadgen-image'];
}

/** What a run on the default Kubernetes minor needs. */
export const runArtefactIds: readonly string[] = runArtefactIdsFor();

export function artefactById(id: string): Artefact | undefined {
  const shared = sharedArtefacts.find((artefact) => artefact.id === id);
  if (shared) return shared;
  const [name, minor] = id.split('@');
  const make = name ? versionedArtefacts[name] : undefined;
  return make && minor ? make(minor) : undefined;
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

import { kubernetesRelease, type KubernetesRelease } from './versions.js';

/**
 * What `doctor` checks and `doctor --fix` builds. Each artefact knows how to tell whether it is
 * usable now (probe) and how to make itself (build); the fingerprint ties a built artefact to the
 * pinned versions and input files it came from, so that only what changed is rebuilt.
 */
export type ProbeState = 'found' | 'built' | 'missing';

export interface Probe {
  state: ProbeState;
  /** What was found and where, or why it is missing. */
  detail: string;
  /** The exact command or step that makes it usable, when missing. */
  fix?: string;
  /** For built artefacts: what the build cost, as recorded when it was built. */
  build?: BuildRecord;
}

export interface BuildRecord {
  fingerprint: string;
  builtAt: string;
  durationMs: number;
  sizeBytes: number;
}

export interface BuildContext {
  /** Where this artefact's build output is appended. */
  logFile: string;
  /** Short progress text for the phase under way ("go build kubelet"). */
  step(title: string): void;
}

export interface Artefact {
  id: string;
  title: string;
  /** Artefacts that must be usable before this one builds. */
  dependsOn: readonly string[];
  /** Hash of what this artefact is built from; unchanged fingerprint means no rebuild. */
  fingerprint(): string;
  probe(): Promise<Probe>;
  /** Makes the artefact; returns its size in bytes for the record. Absent when it cannot be built (e.g. the engine). */
  build?(context: BuildContext): Promise<number>;
}

/**
 * An artefact family with one member per Kubernetes minor (binaries, component images, node
 * image): each member is made once and then the same object, so the registry and doctor see one
 * artefact per id however often it is asked for.
 */
export function perKubernetesMinor(make: (release: KubernetesRelease) => Artefact): (minor?: string) => Artefact {
  const byMinor = new Map<string, Artefact>();
  return (minor) => {
    const release = kubernetesRelease(minor);
    let artefact = byMinor.get(release.minor);
    if (!artefact) {
      artefact = make(release);
      byMinor.set(release.minor, artefact);
    }
    return artefact;
  };
}

import { join } from 'node:path';
import type { Artefact, Probe } from './artefact.js';
import { EnvironmentError } from '../errors.js';
import { saveBuildRecord } from './build-records.js';
import { cacheDir } from './paths.js';

export interface EnsureEvent {
  artefact: Artefact;
  kind: 'probe' | 'step' | 'built' | 'reused';
  detail: string;
  durationMs?: number;
}

export interface EnsureOutcome {
  id: string;
  title: string;
  before: Probe;
  action: 'reused' | 'built';
  durationMs: number;
}

/**
 * Makes every listed artefact usable: probes each (with what it depends on, in order) and builds
 * only the missing ones. A failed build stops here: what depends on it could not be built anyway.
 */
export async function ensureArtefacts(ids: readonly string[], onEvent: (event: EnsureEvent) => void = () => {}): Promise<EnsureOutcome[]> {
  // Imported here, not at the top: the registry lists the node image, whose build calls this
  // function for its own inputs, and a static import would make that a cycle at load time.
  const { buildOrder } = await import('./registry.js');
  const outcomes: EnsureOutcome[] = [];
  for (const artefact of buildOrder(ids)) {
    const started = Date.now();
    const before = await artefact.probe();
    if (before.state !== 'missing') {
      onEvent({ artefact, kind: 'reused', detail: before.detail, durationMs: Date.now() - started });
      outcomes.push({ id: artefact.id, title: artefact.title, before, action: 'reused', durationMs: Date.now() - started });
      continue;
    }
    if (!artefact.build) {
      throw new EnvironmentError(`${artefact.title} is missing and cannot be built here: ${before.detail}`, { fix: before.fix });
    }
    const logFile = join(cacheDir('logs'), `${artefact.id}.log`);
    const sizeBytes = await artefact.build({
      logFile,
      step: (title) => onEvent({ artefact, kind: 'step', detail: title }),
    });
    const durationMs = Date.now() - started;
    saveBuildRecord(artefact.id, { fingerprint: artefact.fingerprint(), builtAt: new Date().toISOString(), durationMs, sizeBytes });
    onEvent({ artefact, kind: 'built', detail: `built in ${(durationMs / 1000).toFixed(1)} s`, durationMs });
    outcomes.push({ id: artefact.id, title: artefact.title, before, action: 'built', durationMs });
  }
  return outcomes;
}

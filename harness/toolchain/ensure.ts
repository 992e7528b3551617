import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
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
    const build = artefact.build.bind(artefact);
    const release = await buildLock(artefact, (detail) => onEvent({ artefact, kind: 'step', detail }));
    try {
      // Another process may have built it while this one waited for the lock.
      const now = await artefact.probe();
      if (now.state !== 'missing') {
        onEvent({ artefact, kind: 'reused', detail: `${now.detail} (built by another sysctl-bench meanwhile)`, durationMs: Date.now() - started });
        outcomes.push({ id: artefact.id, title: artefact.title, before, action: 'reused', durationMs: Date.now() - started });
        continue;
      }
      const logFile = join(cacheDir('logs'), `${artefact.id}.log`);
      const sizeBytes = await build({
        logFile,
        step: (title) => onEvent({ artefact, kind: 'step', detail: title }),
      });
      const durationMs = Date.now() - started;
      saveBuildRecord(artefact.id, { fingerprint: artefact.fingerprint(), builtAt: new Date().toISOString(), durationMs, sizeBytes });
      onEvent({ artefact, kind: 'built', detail: `built in ${(durationMs / 1000).toFixed(1)} s`, durationMs });
      outcomes.push({ id: artefact.id, title: artefact.title, before, action: 'built', durationMs });
    } finally {
      await release();
    }
  }
  return outcomes;
}

/**
 * One build of an artefact at a time on this machine: two runs (two CI jobs, a test and a run)
 * building the same thing would write the same build folders. The lock is a folder beside the
 * cache (proper-lockfile: atomic mkdir, refreshed while held), so the holder being killed frees it
 * once it goes stale; whoever waited then probes again and builds only if still needed.
 */
export async function buildLock(artefact: Artefact, say: (detail: string) => void): Promise<() => Promise<void>> {
  const dir = cacheDir('locks');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, artefact.id.replace(/[^A-Za-z0-9.@_-]/g, '_'));
  let told = false;
  for (;;) {
    try {
      return await lock(target, {
        realpath: false,
        stale: 60_000,
        update: 15_000,
        // A compromised lock (its folder touched by someone else) must not crash the build that holds it.
        onCompromised: () => undefined,
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      if (!told) say('another sysctl-bench is building this; waiting for it');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../host/guard.js';
import { cacheDir } from '../toolchain/paths.js';

/**
 * Which run owns which clusters, on disk, so that a run killed with SIGKILL (no handler runs)
 * is cleaned up by the next one: an owner whose process is gone, and who did not ask to keep
 * its clusters, left leftovers.
 */
export interface Ownership {
  runId: string;
  pid: number;
  clusters: string[];
  keep: boolean;
  startedAt: string;
  /** /proc/<pid>/stat starttime, so that a reused pid is not taken for the run. */
  processStart?: string;
}

const ownersDir = () => cacheDir('runs');

/** Written whole or not at all (a SIGKILL half way through must not lose the record of a cluster). */
export function writeOwnership(owner: Ownership): void {
  mkdirSync(ownersDir(), { recursive: true });
  const file = join(ownersDir(), `${owner.runId}.json`);
  const record: Ownership = { ...owner, processStart: owner.processStart ?? (owner.pid === process.pid ? processStartTime(process.pid) : undefined) };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The run's clusters stay (--retain after a failure): the next runs leave them, `sysctl-bench clean` removes them. */
export function markKept(runId: string): void {
  const owner = readOwnerships().find((candidate) => candidate.runId === runId);
  if (owner) writeOwnership({ ...owner, keep: true });
}

export function removeOwnership(runId: string): void {
  rmSync(join(ownersDir(), `${runId}.json`), { force: true });
}

export function readOwnerships(): Ownership[] {
  let names: string[];
  try {
    names = readdirSync(ownersDir());
  } catch {
    return [];
  }
  const owners: Ownership[] = [];
  for (const name of names.filter((file) => file.endsWith('.json') && !file.endsWith('.tmp'))) {
    try {
      owners.push(JSON.parse(readFileSync(join(ownersDir(), name), 'utf8')) as Ownership);
    } catch {
      // A file half-written by a killed run owns nothing we can name; drop it.
      rmSync(join(ownersDir(), name), { force: true });
    }
  }
  return owners;
}

/** The run that wrote the record is still running (same pid, and the same process, not a reuse of its pid). */
export function ownerAlive(owner: Pick<Ownership, 'pid' | 'processStart'>): boolean {
  if (!processAlive(owner.pid)) return false;
  return owner.processStart === undefined || processStartTime(owner.pid) === undefined || processStartTime(owner.pid) === owner.processStart;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

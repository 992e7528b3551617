import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

const ownersDir = () => cacheDir('runs');

export function writeOwnership(owner: Ownership): void {
  mkdirSync(ownersDir(), { recursive: true });
  writeFileSync(join(ownersDir(), `${owner.runId}.json`), `${JSON.stringify(owner, null, 2)}\n`);
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
  for (const name of names.filter((file) => file.endsWith('.json'))) {
    try {
      owners.push(JSON.parse(readFileSync(join(ownersDir(), name), 'utf8')) as Ownership);
    } catch {
      // A file half-written by a killed run owns nothing we can name; drop it.
      rmSync(join(ownersDir(), name), { force: true });
    }
  }
  return owners;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

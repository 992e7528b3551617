import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BuildRecord } from './artefact.js';
import { cacheDir } from './paths.js';

/** Build records are kept beside the artefacts so that `doctor` can show the cold build time and size later. */
const recordsFile = () => cacheDir('builds.json');

export function readBuildRecords(): Record<string, BuildRecord> {
  try {
    return JSON.parse(readFileSync(recordsFile(), 'utf8')) as Record<string, BuildRecord>;
  } catch {
    return {};
  }
}

export function buildRecord(id: string): BuildRecord | undefined {
  return readBuildRecords()[id];
}

export function saveBuildRecord(id: string, record: BuildRecord): void {
  const all = readBuildRecords();
  all[id] = record;
  const file = recordsFile();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * The record of an artefact, or of the same build made under another id (an artefact id that
 * gained its version, a build started by hand): the fingerprint says it is the same thing.
 */
export function buildRecordFor(id: string, fingerprint: string): BuildRecord | undefined {
  const all = readBuildRecords();
  const own = all[id];
  if (own?.fingerprint === fingerprint) return own;
  return Object.values(all).find((record) => record.fingerprint === fingerprint) ?? own;
}

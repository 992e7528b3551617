import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/results.js';

export type { Trend, TrendReport } from '../results/results.js';

export interface History {
  /** Every readable earlier run, of any scenario: aggregate() picks the comparable ones. */
  runs: Results[];
  warnings: string[];
}

/**
 * Reads `<dir>/<run>/results.json` for each earlier run, at any depth of one folder (a nightly
 * job keeps `history/<run-id>/results.json`). Unreadable files are skipped with a warning; a
 * folder without results.json (a run still going, test artifacts) is skipped quietly.
 */
export async function loadHistory(dir: string, excludeRunId?: string): Promise<History> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`cannot read the history folder ${dir}`, {
      where: '--history',
      fix: 'point --history at a folder whose sub-folders are earlier run directories (each with results.json)',
      cause: error,
    });
  }
  const runs: Results[] = [];
  const warnings: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name, 'results.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      warnings.push(`history: ${path} skipped (not JSON)`);
      continue;
    }
    if (!isResults(parsed)) {
      warnings.push(`history: ${path} skipped (not results.json schemaVersion ${RESULTS_SCHEMA_VERSION})`);
      continue;
    }
    if (parsed.run.runId === excludeRunId) continue;
    runs.push(parsed);
  }
  runs.sort((a, b) => (a.run.startedAt ?? '').localeCompare(b.run.startedAt ?? ''));
  return { runs, warnings };
}

/** Any 1.x file: minors only add fields, and the trend code reads the numbers it needs defensively. */
function isResults(value: unknown): value is Results {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Results>;
  return v.schemaVersion === RESULTS_SCHEMA_VERSION && typeof v.run === 'object' && v.run !== null
    && typeof v.run.scenario === 'object' && Array.isArray(v.performance);
}

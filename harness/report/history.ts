import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { readResultsFile } from '../results/results-reader.js';
import type { Results } from '../results/results.js';

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
    // Checked against the shape trends read: a start time that is a number or a null performance
    // entry is skipped with a warning, not a crash.
    const read = await readResultsFile(path);
    if (!read.ok) {
      if ('warning' in read) warnings.push(read.warning);
      continue;
    }
    const parsed = read.results;
    if (parsed.run.runId === excludeRunId) continue;
    runs.push(parsed);
  }
  runs.sort((a, b) => (a.run.startedAt ?? '').localeCompare(b.run.startedAt ?? ''));
  return { runs, warnings };
}

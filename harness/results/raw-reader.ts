import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RAW_RESULTS_FILE, RawRecordSchema, type RawRecord } from './raw.js';

export interface RawReadResult {
  records: RawRecord[];
  /** Lines that were skipped, each with its line number and why; shown in the report. */
  warnings: string[];
}

/**
 * Parses JSONL text tolerantly. A killed run leaves a truncated last line: it is skipped with a
 * warning. A bad line elsewhere is also skipped (one broken record must not hide a whole run), but
 * with a warning that says it was not the last line, since that points at a writer bug.
 */
export function parseRawResults(text: string, source = RAW_RESULTS_FILE): RawReadResult {
  const records: RawRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  const lastContentLine = findLastContentLine(lines);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    const isLast = index === lastContentLine;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      warnings.push(isLast
        ? `${where}: skipped a truncated last line (the run was probably killed while writing it)`
        : `${where}: skipped a line that is not JSON`);
      return;
    }
    const parsed = RawRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      warnings.push(`${where}: skipped a record that does not match the schema (${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'})`);
      return;
    }
    records.push(parsed.data);
  });
  return { records, warnings };
}

/** Reads `<runDir>/raw/results.jsonl`. A missing file is the user's mistake (wrong directory). */
export async function readRawResults(runDir: string): Promise<RawReadResult> {
  const path = join(runDir, RAW_RESULTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`no raw results at ${path}`, {
        where: runDir,
        fix: 'pass a run directory written by `sysctl-bench run` (it holds raw/results.jsonl)',
        cause: error,
      });
    }
    throw error;
  }
  return parseRawResults(text, path);
}

function findLastContentLine(lines: string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]?.trim()) return i;
  return -1;
}

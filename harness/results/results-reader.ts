import { z } from 'zod';
import { UserError } from '../errors.js';
import { readTextFile } from '../input/files.js';
import { errnoOf } from '../input/fs-errors.js';
import { RESULTS_SCHEMA_VERSION, type Results } from './results.js';

/**
 * An earlier run's results.json, read for trends. It comes from disk, written by another version,
 * a killed run or a person: only a regular file under the cap, UTF-8, JSON, with the shape the
 * readers of history lean on (a run id, a start time that is a string, performance entries that
 * are objects); anything else is skipped with a warning, never a crash.
 */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024;

const Stats = z.looseObject({ median: z.number(), ci: z.looseObject({ low: z.number(), high: z.number() }) });

const HistoryResultsSchema = z.looseObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  run: z.looseObject({
    runId: z.string(),
    scenario: z.looseObject({ name: z.string(), definitionHash: z.string().nullable().optional() }),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable().optional(),
    status: z.string().optional(),
  }),
  outcome: z.looseObject({ status: z.string() }).nullable().optional(),
  performance: z.array(z.looseObject({
    workload: z.string(),
    comparisons: z.array(z.looseObject({
      metric: z.string(),
      variant: z.string(),
      unit: z.string().optional(),
      direction: z.string().optional(),
      baseline: Stats.partial().nullable().optional(),
      tuned: Stats.partial().nullable().optional(),
    })),
  })),
});

export type ResultsRead = { ok: true; results: Results } | { ok: false; warning: string } | { ok: false; missing: true };

/** Own-property names of Object.prototype: as keys in data they would reach its machinery. */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function reservedKey(value: unknown, depth = 0): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (!Array.isArray(value) && RESERVED_KEYS.has(key)) return key;
    const found = reservedKey(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export async function readResultsFile(path: string): Promise<ResultsRead> {
  let text: string;
  try {
    text = await readTextFile(path, { what: 'results.json', maxBytes: MAX_RESULTS_BYTES, raise: 'a results.json is far smaller: it is not one sysctl-bench wrote', origin: 'found' });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // Not a finished run directory (or not a run directory at all, like test-artifacts/): not news.
    if (errnoOf(error.cause) === 'ENOENT' || errnoOf(error.cause) === 'ENOTDIR') return { ok: false, missing: true };
    return { ok: false, warning: `history: ${path} skipped (${error.message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, warning: `history: ${path} skipped (not JSON)` };
  }
  const reserved = reservedKey(json);
  if (reserved) return { ok: false, warning: `history: ${path} skipped (it holds the key ${JSON.stringify(reserved)})` };
  const parsed = HistoryResultsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    return { ok: false, warning: `history: ${path} skipped (not results.json schemaVersion ${RESULTS_SCHEMA_VERSION}${where ? `: ${where} ${issue?.message ?? ''}` : ''})` };
  }
  return { ok: true, results: json as Results };
}

import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { chunksOf, formatBytes, openForReading } from '../input/files.js';
import { errnoOf, fsUserError } from '../input/fs-errors.js';
import { clip } from '../text/terminal.js';
import { RAW_RESULTS_FILE, RawRecordSchema, type RawRecord } from './raw.js';

export interface RawReadResult {
  records: RawRecord[];
  /** Lines that were skipped, each with its line number and why; shown in the report. */
  warnings: string[];
}

/**
 * raw/results.jsonl of the longest run a scenario may ask for (limits in harness/scenario/limits.ts)
 * is a few hundred megabytes; past this the file is not one sysctl-bench wrote.
 */
export const MAX_RAW_RESULTS_BYTES = 512 * 1024 * 1024;

/**
 * Reads JSONL tolerantly, a line at a time. A killed run leaves a truncated last line (perhaps cut
 * inside a UTF-8 character): it is skipped with a warning. A bad line elsewhere is also skipped
 * (one broken record must not hide a whole run), with a warning that says it was not the last
 * line, since that points at a writer bug or an edit. Keys that a plain object would take for
 * its own machinery (`__proto__`, `constructor`...) are never let through to the lookups keyed
 * by metric or sysctl names.
 */
class RawLines {
  readonly records: RawRecord[] = [];
  readonly warnings: string[] = [];
  /** A line that failed, held back until we know whether it was the last one. */
  private pending: { where: string; reason: 'json' | 'utf8' } | undefined;

  constructor(private readonly source: string) {}

  line(bytesOrText: Buffer | string, lineNumber: number): void {
    const isText = typeof bytesOrText === 'string';
    if (isText ? bytesOrText.trim() === '' : isBlank(bytesOrText)) return;
    this.flushPending();
    const where = `${this.source}:${lineNumber}`;
    if (!isText && !isUtf8(bytesOrText)) {
      this.pending = { where, reason: 'utf8' };
      return;
    }
    const text = isText ? bytesOrText : bytesOrText.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.pending = { where, reason: 'json' };
      return;
    }
    const unsafe = unsafeKeyPath(json);
    if (unsafe) {
      this.warnings.push(`${where}: skipped a record with the key ${JSON.stringify(clip(unsafe))}, which is not a metric, sysctl or field name`);
      return;
    }
    const parsed = RawRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      this.warnings.push(`${where}: skipped a record that does not match the schema (${path ? `${clip(path)}: ` : ''}${issue?.message ?? 'invalid'})`);
      return;
    }
    this.records.push(parsed.data);
  }

  private flushPending(): void {
    if (!this.pending) return;
    this.warnings.push(`${this.pending.where}: skipped a line that is not ${this.pending.reason === 'utf8' ? 'UTF-8' : 'JSON'}`);
    this.pending = undefined;
  }

  finish(): RawReadResult {
    if (this.pending) this.warnings.push(`${this.pending.where}: skipped a truncated last line (the run was probably killed while writing it)`);
    this.pending = undefined;
    return { records: this.records, warnings: this.warnings };
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

/** Own-property names of Object.prototype: as data keys they would reach its machinery. */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The first key anywhere in a JSON value that a plain-object lookup would confuse with Object.prototype. */
function unsafeKeyPath(value: unknown, depth = 0): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = unsafeKeyPath(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) return key;
    const found = unsafeKeyPath((value as Record<string, unknown>)[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function parseRawResults(text: string, source = RAW_RESULTS_FILE): RawReadResult {
  const lines = new RawLines(source);
  text.split('\n').forEach((line, index) => lines.line(line, index + 1));
  return lines.finish();
}

/**
 * Reads `<runDir>/raw/results.jsonl`, streamed a line at a time. Only a regular file is read (a
 * FIFO there would hang the report); a missing file or a run folder that is not one is the user's
 * mistake, with the path and the fix.
 */
export async function readRawResults(runDir: string): Promise<RawReadResult> {
  const path = join(runDir, RAW_RESULTS_FILE);
  let handle;
  try {
    handle = await openForReading(path, 'raw/results.jsonl', 'found');
  } catch (error) {
    const code = errnoOf((error as { cause?: unknown }).cause);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(`no raw results at ${path}`, {
        where: runDir,
        fix: 'pass a run directory written by `sysctl-bench run` (it holds raw/results.jsonl)',
        cause: error,
      });
    }
    throw error;
  }
  const lines = new RawLines(path);
  try {
    let carry: Buffer | undefined;
    let lineNumber = 0;
    let size = 0;
    for await (const chunk of chunksOf(handle)) {
      size += chunk.length;
      if (size > MAX_RAW_RESULTS_BYTES) {
        throw new UserError(`the raw results are larger than ${formatBytes(MAX_RAW_RESULTS_BYTES)}; sysctl-bench run writes far less`, {
          where: path,
          fix: 'check that this is a run directory written by sysctl-bench run',
        });
      }
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
        lineNumber += 1;
        lines.line(data.subarray(start, end), lineNumber);
        start = end + 1;
      }
      // Copied: a slice would keep the whole megabyte chunk alive for the sake of a line's tail.
      carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
    }
    if (carry) lines.line(carry, lineNumber + 1);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fsUserError(error, path, 'the raw results');
  } finally {
    await handle.close();
  }
  return lines.finish();
}

import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RAW_RESULTS_FILE, RawRecordSchema, type RawRecord } from './raw.js';

/**
 * Appends raw records to `<runDir>/raw/results.jsonl`, one line each, flushed to disk before
 * `append` resolves: a run killed at any moment keeps every record that was acknowledged.
 * An append after `close` reopens the file: the log is append-only, and a record written late
 * (the report phase's own timing, say) is worth more than an error.
 */
export class RawResultsWriter {
  readonly path: string;
  #handle: FileHandle | undefined;
  // Appends are chained so that concurrent callers never interleave half-lines.
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  static async open(runDir: string): Promise<RawResultsWriter> {
    const path = join(runDir, RAW_RESULTS_FILE);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'a');
    return new RawResultsWriter(path, handle);
  }

  /** Validates the record (a malformed one is our bug, caught here rather than at report time) and appends it. */
  append(record: RawRecord): Promise<void> {
    const parsed = RawRecordSchema.parse(record);
    const line = `${JSON.stringify(parsed)}\n`;
    const next = this.#queue.then(async () => {
      this.#handle ??= await open(this.path, 'a');
      await this.#handle.write(line);
      await this.#handle.sync();
    });
    // A failed append must not poison the ones after it; the caller still sees its own failure.
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderRun } from '../provider/types.js';
import { RawResultsWriter } from '../results/raw-writer.js';
import type { RawRecord } from '../results/raw.js';

/** Where a run records what it did, and the one signal that stops it. */
export interface RunRecorder extends ProviderRun {
  record(record: RawRecord): Promise<void>;
  /** Runs the registered undo steps now, newest first. */
  cleanup(): Promise<void>;
  /** --retain after a failure: the clean-up leaves the clusters; returns what it will keep. */
  retainClusters(): string[];
}

/** Everything a phase needs to record what it did: where the run lives, the append-only raw results, and the signal that stops it. */
export class RunContext implements RunRecorder {
  readonly phases: Array<{ name: string; durationMs: number; ok: boolean }> = [];
  readonly logsDir: string;
  readonly cleanups: Array<{ title: string; action: () => Promise<void>; cluster?: string }> = [];
  /** --retain after a failure: the steps that remove a cluster (or an existing cluster's namespace) are skipped. */
  private retaining = false;
  readonly retained: string[] = [];

  private constructor(
    readonly runId: string,
    readonly shortId: string,
    readonly runDir: string,
    readonly raw: RawResultsWriter,
    readonly say: (line: string) => void,
    readonly signal: AbortSignal,
  ) {
    this.logsDir = join(runDir, 'logs');
    mkdirSync(this.logsDir, { recursive: true });
  }

  static async open(ids: { runId: string; shortId: string }, runDir: string, say: (line: string) => void, signal: AbortSignal): Promise<RunContext> {
    return new RunContext(ids.runId, ids.shortId, runDir, await RawResultsWriter.open(runDir), say, signal);
  }

  logFile(name: string): string {
    return join(this.logsDir, `${name}.log`);
  }

  record(record: RawRecord): Promise<void> {
    return this.raw.append(record);
  }

  /** Runs one phase, records its timing whether it succeeds or not, and says so. */
  async phase<T>(name: string, body: () => Promise<T>): Promise<T> {
    const startedAt = new Date();
    this.say(`▶ ${name}`);
    let ok = false;
    let detail: string | undefined;
    try {
      const result = await body();
      ok = true;
      return result;
    } catch (error) {
      detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw error;
    } finally {
      const durationMs = Date.now() - startedAt.getTime();
      this.phases.push({ name, durationMs, ok });
      await this.record({ type: 'phase', name, startedAt: startedAt.toISOString(), durationMs, ok, ...(detail ? { detail } : {}) });
      this.say(`${ok ? '✔' : '✖'} ${name} ${(durationMs / 1000).toFixed(1)} s${detail ? `: ${detail}` : ''}`);
    }
  }

  /** Registers an undo step; run in reverse order at the end, on failure and after Ctrl-C. */
  onCleanup(title: string, action: () => Promise<void>, options: { cluster?: string } = {}): void {
    this.cleanups.push({ title, action, ...(options.cluster ? { cluster: options.cluster } : {}) });
  }

  /** From now on the clean-up leaves the clusters (and their networks) in place; returns what it will keep. */
  retainClusters(): string[] {
    this.retaining = true;
    return this.cleanups.flatMap((step) => (step.cluster ? [step.cluster] : []));
  }

  async cleanup(): Promise<void> {
    while (this.cleanups.length > 0) {
      const step = this.cleanups.pop();
      if (!step) break;
      try {
        if (this.retaining && step.cluster) {
          this.retained.push(step.cluster);
          this.say(`  kept (--retain): ${step.title}`);
          continue;
        }
        this.say(`  cleanup: ${step.title}`);
        await step.action();
      } catch (error) {
        this.say(`  cleanup of ${step.title} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

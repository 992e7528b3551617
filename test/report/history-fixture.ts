import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Results } from '../../harness/results/results.js';

/**
 * Earlier runs for the trend view, derived from a real results.json: the same metrics with the
 * tuned medians (and their intervals) scaled by `factor`, dated `daysAgo` before the current run.
 */
export function earlierRun(current: Results, daysAgo: number, factor: number): Results {
  const copy = structuredClone(current);
  const started = new Date(Date.parse(current.run.startedAt ?? '2024-11-25T02:00:00Z') - daysAgo * 86_400_000).toISOString();
  copy.run = { ...copy.run, runId: `${started.slice(0, 10).replaceAll('-', '')}-020000-${current.run.scenario.name}`, startedAt: started };
  for (const workload of copy.performance) {
    for (const c of workload.comparisons) {
      c.tuned.median *= factor;
      c.tuned.ci = { ...c.tuned.ci, low: c.tuned.ci.low * factor, high: c.tuned.ci.high * factor };
    }
  }
  return copy;
}

export async function writeHistory(dir: string, runs: Results[]): Promise<void> {
  for (const run of runs) {
    await mkdir(join(dir, run.run.runId), { recursive: true });
    await writeFile(join(dir, run.run.runId, 'results.json'), JSON.stringify(run));
  }
}

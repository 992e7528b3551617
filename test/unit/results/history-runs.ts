import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import { RawResultsWriter } from '../../../harness/results/raw-writer.js';
import type { Results } from '../../../harness/results/results.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { seededRandom } from '../../../harness/stats/random.js';
import { scenarioOf } from './fixture.js';

export interface CopyOptions {
  /** Days before the recorded run. */
  daysAgo: number;
  /** Multiplies every recorded metric value of every repetition: run-to-run noise, or a real change. */
  factor?: (metric: string, variant: string, workload: string) => number;
  /** Another scenario: renamed (its definition hash changes with the name). */
  scenarioName?: string;
}

/**
 * A copy of the recorded run as another run of it: a new run id and start time, the same
 * scenario (or a renamed one), every metric value scaled as asked. Samples and series are kept:
 * trends read medians only.
 */
export function copyOfRun(records: readonly RawRecord[], options: CopyOptions): RawRecord[] {
  const shiftMs = -options.daysAgo * 86_400_000;
  const shift = (iso: string) => new Date(Date.parse(iso) + shiftMs).toISOString();
  const started = records.find((r) => r.type === 'run-started');
  const name = options.scenarioName ?? (started?.type === 'run-started' ? started.scenario.name : 'unknown');
  const startedAt = started?.type === 'run-started' ? shift(started.startedAt) : shift('2025-03-01T02:17:04Z');
  const runId = `${startedAt.slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${name}`;
  return records.map((record) => {
    switch (record.type) {
      case 'run-started': {
        const definition = structuredClone(record.scenario.definition) as { metadata: { name: string } };
        definition.metadata.name = name;
        return { ...record, runId, startedAt, scenario: { ...record.scenario, name, definition } };
      }
      case 'measurement': {
        const metrics = Object.fromEntries(Object.entries(record.metrics).map(([metric, value]) => [metric, value * (options.factor?.(metric, record.variant, record.workload) ?? 1)]));
        return { ...record, metrics, ...(record.at ? { at: shift(record.at) } : {}) };
      }
      case 'phase': return { ...record, startedAt: shift(record.startedAt) };
      case 'note': case 'error': return { ...record, at: shift(record.at) };
      case 'run-finished': return { ...record, finishedAt: shift(record.finishedAt) };
      case 'admission': case 'isolation': return record;
      case 'host-kernel': return { ...record, at: shift(record.at) };
    }
  });
}

/** Run-to-run noise: each run and metric scaled by a factor within ±spread/2 of 1, repeatably. */
export function noise(seed: number, spread = 0.04): (metric: string, variant: string, workload: string) => number {
  const factors = new Map<string, number>();
  const random = seededRandom(seed);
  return (metric, variant, workload) => {
    const key = `${workload}/${variant}/${metric}`;
    if (!factors.has(key)) factors.set(key, 1 + spread * (random() - 0.5));
    return factors.get(key) as number;
  };
}

/**
 * Writes a run directory as `sysctl-bench run` leaves it: raw/results.jsonl and results.json.
 * Fewer bootstrap resamples than a real report: history only needs the medians and intervals.
 */
export async function writeRunDir(parent: string, records: readonly RawRecord[], history?: readonly Results[]): Promise<Results> {
  const started = records.find((r) => r.type === 'run-started');
  const dir = join(parent, started?.type === 'run-started' ? started.runId : 'unknown');
  await mkdir(dir, { recursive: true });
  const writer = await RawResultsWriter.open(dir);
  for (const record of records) await writer.append(record);
  await writer.close();
  const results = aggregate(records, thresholdsFromScenario(scenarioOf([...records])).thresholds, { resamples: 400, ...(history ? { history } : {}) });
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

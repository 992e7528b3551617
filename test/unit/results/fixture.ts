import { fileURLToPath } from 'node:url';
import { readRawResults } from '../../../harness/results/raw-reader.js';
import type { RawRecord } from '../../../harness/results/raw.js';

export const FIXTURE_RUN_DIR = fileURLToPath(new URL('../../fixtures/run/', import.meta.url));

export async function fixtureRecords(): Promise<RawRecord[]> {
  return (await readRawResults(FIXTURE_RUN_DIR)).records;
}

export function scenarioOf(records: RawRecord[]): unknown {
  const started = records.find((r) => r.type === 'run-started');
  return started?.type === 'run-started' ? started.scenario.definition : undefined;
}

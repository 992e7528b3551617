import { readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { RawRecordSchema, type RawRecord } from '../../../harness/results/raw.js';
import { parseRawResults, readRawResults } from '../../../harness/results/raw-reader.js';
import { RawResultsWriter } from '../../../harness/results/raw-writer.js';
import { temporaryDirectories } from './temp-dirs.js';

const makeTempDir = temporaryDirectories('sysctl-bench-raw');

const phase: RawRecord = { type: 'phase', name: 'cluster-create', startedAt: '2024-11-25T10:00:00Z', durationMs: 41_000, ok: true };
const measurement: RawRecord = {
  type: 'measurement', workload: 'net-backlog', variant: 'tuned', repetition: 1, warmup: false, kind: 'load',
  metrics: { connect_p99_ms: 812 }, generator: { saturated: false },
};
const finished: RawRecord = { type: 'run-finished', finishedAt: '2024-11-25T10:30:00Z', status: 'completed' };

describe('raw record schema', () => {
  it('accepts each record type and rejects an unknown one', () => {
    for (const record of [phase, measurement, finished]) expect(RawRecordSchema.parse(record)).toEqual(record);
    expect(RawRecordSchema.safeParse({ type: 'threshold' }).success).toBe(false);
  });

  it('rejects an admission outcome outside the four known ones', () => {
    const admission = {
      type: 'admission', workload: 'w', variant: 'tuned', pool: 'p', kind: 'Deployment', sysctls: {},
      predicted: { outcome: 'admitted' }, observed: { outcome: 'ContainerStatusUnknown' }, match: false,
    };
    expect(RawRecordSchema.safeParse(admission).success).toBe(false);
  });
});

describe('RawResultsWriter', () => {
  it('appends one JSON line per record, and appends again after reopening', async () => {
    const runDir = await makeTempDir();
    const writer = await RawResultsWriter.open(runDir);
    await Promise.all([writer.append(phase), writer.append(measurement)]);
    await writer.close();
    const again = await RawResultsWriter.open(runDir);
    await again.append(finished);
    await again.close();

    const lines = (await readFile(join(runDir, 'raw/results.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([phase, measurement, finished]);
  });

  it('refuses a malformed record instead of writing it', async () => {
    const writer = await RawResultsWriter.open(await makeTempDir());
    expect(() => writer.append({ type: 'phase', name: 'x' } as unknown as RawRecord)).toThrow();
    await writer.close();
  });

  it('reopens the file for an append after close (a late record is kept, not lost)', async () => {
    const runDir = await makeTempDir();
    const writer = await RawResultsWriter.open(runDir);
    await writer.append(phase);
    await writer.close();
    await writer.append(finished);
    await writer.close();
    expect((await readRawResults(runDir)).records).toEqual([phase, finished]);
  });
});

describe('reading raw results', () => {
  it('skips a truncated last line with a warning (a killed run)', async () => {
    const runDir = await makeTempDir();
    const writer = await RawResultsWriter.open(runDir);
    await writer.append(phase);
    await writer.append(measurement);
    await writer.close();
    await appendFile(join(runDir, 'raw/results.jsonl'), '{"type":"measurement","workload":"net-bac');

    const { records, warnings } = await readRawResults(runDir);
    expect(records).toEqual([phase, measurement]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/results\.jsonl:3: skipped a truncated last line/);
  });

  it('skips a record that does not match the schema and says where', () => {
    const text = [JSON.stringify(phase), JSON.stringify({ type: 'phase', name: 'deploy' }), JSON.stringify(finished), ''].join('\n');
    const { records, warnings } = parseRawResults(text, 'r.jsonl');
    expect(records).toEqual([phase, finished]);
    expect(warnings[0]).toMatch(/^r\.jsonl:2: skipped a record that does not match the schema/);
  });

  it('flags broken JSON in the middle differently from a truncated end', () => {
    const { warnings } = parseRawResults(`{oops\n${JSON.stringify(phase)}\n`, 'r.jsonl');
    expect(warnings).toEqual(['r.jsonl:1: skipped a line that is not JSON']);
  });

  it('tells the user when the directory has no raw results', async () => {
    const runDir = await makeTempDir();
    await expect(readRawResults(runDir)).rejects.toBeInstanceOf(UserError);
  });
});

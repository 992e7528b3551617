import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { Results } from '../../../harness/results/results.js';
import { buildTrends, loadHistory } from '../../../harness/report/history.js';
import { fixtureRecords } from '../results/fixture.js';
import { temporaryDirectories } from '../results/temp-dirs.js';

const makeTempDir = temporaryDirectories('sysctl-bench-history');

let current: Results;

beforeAll(async () => {
  current = aggregate(await fixtureRecords(), []);
});

/** An earlier run: the same results with tuned medians and intervals scaled, dated days before. */
function earlier(daysAgo: number, factor: number): Results {
  const copy = structuredClone(current);
  copy.run.runId = `earlier-${daysAgo}`;
  copy.run.startedAt = new Date(Date.parse('2024-11-25T02:00:00Z') - daysAgo * 86_400_000).toISOString();
  for (const c of copy.performance.flatMap((w) => w.comparisons)) {
    c.tuned.median *= factor;
    c.tuned.ci = { ...c.tuned.ci, low: c.tuned.ci.low * factor, high: c.tuned.ci.high * factor };
  }
  return copy;
}

describe('trends', () => {
  it('orders runs by start time and ends with the current one', () => {
    const trends = buildTrends([earlier(7, 1), earlier(14, 1)].sort((a, b) => a.run.startedAt!.localeCompare(b.run.startedAt!)), current);
    const p99 = trends.find((t) => t.metric === 'connect_p99_ms');
    expect(p99?.points.map((p) => p.runId)).toEqual(['earlier-14', 'earlier-7', '20241125-020000-net-backlog']);
  });

  it('flags a lower-is-better metric whose median rose above the previous interval', () => {
    const trends = buildTrends([earlier(7, 0.8)], current);
    expect(trends.find((t) => t.metric === 'connect_p99_ms')?.regression).toMatch(/above the previous run's 95% interval/);
    // The earlier rps was scaled down too, so this run's higher rps is an improvement, not a regression.
    expect(trends.find((t) => t.metric === 'rps')?.regression).toBeNull();
  });

  it('flags a higher-is-better metric whose median fell below the previous interval', () => {
    const trends = buildTrends([earlier(7, 1.2)], current);
    expect(trends.find((t) => t.metric === 'rps')?.regression).toMatch(/below the previous run's 95% interval/);
    expect(trends.find((t) => t.metric === 'connect_p99_ms')?.regression).toBeNull();
  });

  it('skips points of an earlier file whose numbers are missing', () => {
    const broken = earlier(7, 1) as unknown as { performance: { comparisons: { tuned: unknown }[] }[] };
    for (const w of broken.performance) for (const c of w.comparisons) c.tuned = {};
    const trends = buildTrends([broken as unknown as Results], current);
    expect(trends.every((t) => t.points.length === 1 && t.regression === null)).toBe(true);
  });

  it('does not flag a change within the previous interval', () => {
    const trends = buildTrends([earlier(7, 1)], current);
    expect(trends.filter((t) => t.regression)).toEqual([]);
  });
});

describe('loading history', () => {
  it('reads results.json of each run folder, skipping broken ones and the current run', async () => {
    const dir = await makeTempDir();
    for (const [name, content] of [
      ['a', JSON.stringify(earlier(7, 1))],
      ['b', '{not json'],
      ['c', JSON.stringify({ schemaVersion: 99 })],
      ['current', JSON.stringify(current)],
    ] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'results.json'), content);
    }
    await mkdir(join(dir, 'empty'));
    const history = await loadHistory(dir, current.run.runId);
    expect(history.runs.map((r) => r.run.runId)).toEqual(['earlier-7']);
    // A folder without results.json is skipped quietly; broken files are worth a warning.
    expect(history.warnings).toHaveLength(2);
  });

  it('tells the user when the folder does not exist', async () => {
    await expect(loadHistory('/nonexistent/sysctl-bench-history')).rejects.toBeInstanceOf(UserError);
  });
});

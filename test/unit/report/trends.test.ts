import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { githubAnnotations } from '../../../harness/report/github.js';
import { loadHistory } from '../../../harness/report/history.js';
import { writeReportFiles } from '../../../harness/report/write-reports.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import type { Results } from '../../../harness/results/results.js';
import { robustBand } from '../../../harness/stats/robust-band.js';
import { fixtureRecords } from '../results/fixture.js';
import { copyOfRun, noise, writeRunDir } from '../results/history-runs.js';
import { temporaryDirectories } from '../results/temp-dirs.js';

const makeTempDir = temporaryDirectories('sysctl-bench-trends');

let recorded: RawRecord[];
/** Six earlier runs of the recorded scenario (with run-to-run noise) and six of another scenario. */
let history: string;

beforeAll(async () => {
  recorded = await fixtureRecords();
  history = await makeTempDir();
  for (let i = 1; i <= 6; i++) {
    await writeRunDir(history, copyOfRun(recorded, { daysAgo: i, factor: noise(i) }));
    // Another scenario whose numbers are far better: mixed in, it would make this run look regressed.
    await writeRunDir(history, copyOfRun(recorded, { daysAgo: i, scenarioName: 'other-suite', factor: () => 0.3 }));
  }
}, 120_000);

/** A copy of the recorded run as the newest one, reported against the history folder. */
async function report(copy: RawRecord[], historyDir = history): Promise<{ results: Results; junit: string; summary: string; dir: string }> {
  const parent = await makeTempDir();
  await writeRunDir(parent, copy);
  const started = copy.find((r) => r.type === 'run-started');
  const dir = join(parent, started?.type === 'run-started' ? started.runId : '');
  const { results } = await writeReportFiles(dir, { history: historyDir });
  const { readFile } = await import('node:fs/promises');
  return { results, dir, junit: await readFile(join(dir, 'junit.xml'), 'utf8'), summary: await readFile(join(dir, 'summary.md'), 'utf8') };
}

const p99Tuned = (metric: string, variant: string, workload: string) => (workload === 'web' && variant === 'tuned' && metric === 'connect_p99_ms' ? 1.6 : 1);

function withTrends(records: RawRecord[], trends: Record<string, unknown>): RawRecord[] {
  return records.map((r) => {
    if (r.type !== 'run-started') return r;
    const definition = structuredClone(r.scenario.definition) as { spec: Record<string, unknown> };
    definition.spec.trends = trends;
    return { ...r, scenario: { ...r.scenario, definition } };
  });
}

describe('trends against a history folder', { timeout: 120_000 }, () => {
  it('compares only runs of the same scenario and definition, and flags nothing in the recorded run', async () => {
    const { results, junit, summary } = await report(copyOfRun(recorded, { daysAgo: 0 }));
    const trends = results.trends!;
    expect(trends.compared).toHaveLength(6);
    expect(trends.compared.every((id) => id.endsWith('-default'))).toBe(true);
    expect(trends.ignored).toMatchObject({ otherScenario: 6, otherDefinition: 0, unfinished: 0 });
    expect(trends.trends.filter((t) => t.status === 'regression')).toEqual([]);
    expect(trends.trends.find((t) => t.metric === 'connect_p99_ms')?.band).not.toBeNull();
    expect(results.outcome).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(summary).not.toContain('Regressions against');
    expect(junit).not.toContain('sysctl-bench.trend');
  });

  it('flags a regression injected into a copy of the recorded run, and shows it in the verdict, summary.md, junit.xml and annotations', async () => {
    const { results, junit, summary } = await report(copyOfRun(recorded, { daysAgo: 0, factor: p99Tuned }));
    const regressions = results.trends!.trends.filter((t) => t.status === 'regression');
    expect(regressions.map((t) => `${t.workload}/${t.variant}/${t.metric}`)).toEqual(['web/tuned/connect_p99_ms']);
    expect(regressions[0]?.detail).toMatch(/^median \d+ ms \(95% CI \d+ to \d+ ms\) is worse than \d+ to \d+ ms \(median \d+ ms ± 3\.5 robust SD of the last 6 runs\)$/);
    // Not asked to fail: reported everywhere, exit code unchanged.
    expect(results.outcome).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(results.outcome.reason).toContain('1 metric regressed against earlier runs');
    expect(results.recommendation.summary).toMatch(/Against the last 6 runs of this scenario, one metric regressed: TCP connect time, 99th percentile of web \[tuned\]/i);
    expect(summary).toContain('### Regressions against the last 6 runs of this scenario');
    expect(junit).toMatch(/<testcase classname="sysctl-bench\.trend" name="web \[tuned\] connect_p99_ms against earlier runs" time="0">[\s\S]*?<skipped message="regression, not failing the run/);
    expect(githubAnnotations(results, { GITHUB_ACTIONS: 'true' }).filter((line) => line.startsWith('::warning'))).toHaveLength(1);
  });

  it('fails the run on that regression when the scenario asks for it (spec.trends.failOnRegression)', async () => {
    const { results, junit } = await report(withTrends(copyOfRun(recorded, { daysAgo: 0, factor: p99Tuned }), { window: 10, failOnRegression: true }));
    // spec.trends is not part of the definition hash: the six earlier runs still count.
    expect(results.trends?.compared).toHaveLength(6);
    expect(results.outcome).toMatchObject({ status: 'failed', exitCode: 1, failed: ['trend/web/tuned'] });
    const failed = results.expectations.find((e) => e.id === 'trend/web/tuned');
    expect(failed).toMatchObject({ status: 'failed', name: 'web [tuned] has no regression against earlier runs' });
    expect(results.expectations.find((e) => e.id === 'trend/ipc/tuned')).toMatchObject({ status: 'passed' });
    expect(junit).toMatch(/name="web \[tuned\] has no regression against earlier runs" time="[\d.]+">[\s\S]*?<failure message="TCP connect time, 99th percentile \(connect_p99_ms\): median/);
    const errors = githubAnnotations(results, { GITHUB_ACTIONS: 'true' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error file=scenarios\/default\.yaml,title=sysctl-bench default%3A web \[tuned\] has no regression against earlier runs::TCP connect time/);
    expect(githubAnnotations(results, {})).toEqual([]);
  });

  it('does not call run-to-run noise a regression', async () => {
    const { results } = await report(copyOfRun(recorded, { daysAgo: 0, factor: noise(99) }));
    expect(results.trends!.trends.filter((t) => t.status === 'regression')).toEqual([]);
  });

  it('leaves out runs of an edited definition and runs that did not finish', async () => {
    const dir = await makeTempDir();
    for (let i = 1; i <= 5; i++) {
      const edited = copyOfRun(recorded, { daysAgo: i, factor: () => 0.3 }).map((r) => {
        if (r.type !== 'run-started') return r;
        const definition = structuredClone(r.scenario.definition) as { spec: { load: { connections: number }[] } };
        definition.spec.load[0]!.connections = 500;
        return { ...r, scenario: { ...r.scenario, definition } };
      });
      await writeRunDir(dir, edited);
    }
    await writeRunDir(dir, copyOfRun(recorded, { daysAgo: 7, factor: () => 0.3 }).filter((r) => r.type !== 'run-finished'));
    const { results } = await report(withTrends(copyOfRun(recorded, { daysAgo: 0, factor: p99Tuned }), { failOnRegression: true }), dir);
    expect(results.trends).toMatchObject({ compared: [], ignored: { otherDefinition: 5, unfinished: 1 }, regressions: 0 });
    expect(results.trends!.trends.every((t) => t.status === 'insufficient-history')).toBe(true);
    // Nothing to judge against: skipped with the reason, not failed.
    expect(results.expectations.find((e) => e.id === 'trend/web/tuned')).toMatchObject({ status: 'skipped' });
    expect(results.outcome.exitCode).toBe(0);
  });
});

describe('the robust band', () => {
  it('is median ± k × 1.4826 × MAD, and one wild run barely moves it', () => {
    const band = robustBand([100, 102, 98, 101, 99], 3.5);
    expect(band.center).toBe(100);
    expect(band.mad).toBe(1);
    expect(band.high).toBeCloseTo(100 + 3.5 * 1.4826, 6);
    const wild = robustBand([100, 102, 98, 101, 99, 900], 3.5);
    expect(wild.high).toBeLessThan(110);
  });
});

describe('loading history', () => {
  it('reads results.json of each run folder, skipping broken ones and the current run', async () => {
    const dir = await makeTempDir();
    const current = (await loadHistory(history)).runs[0] as Results;
    for (const [name, content] of [
      ['a', JSON.stringify({ ...current, run: { ...current.run, runId: 'earlier-7' } })],
      ['b', '{not json'],
      ['c', JSON.stringify({ schemaVersion: 99 })],
      ['current', JSON.stringify({ ...current, run: { ...current.run, runId: 'now' } })],
    ] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'results.json'), content);
    }
    await mkdir(join(dir, 'empty'));
    const loaded = await loadHistory(dir, 'now');
    expect(loaded.runs.map((r) => r.run.runId)).toEqual(['earlier-7']);
    // A folder without results.json is skipped quietly; broken files are worth a warning.
    expect(loaded.warnings).toHaveLength(2);
  });

  it('reads results.json of schema minor 0 (before trends and hashes)', async () => {
    const dir = await makeTempDir();
    const current = (await loadHistory(history)).runs[0] as Results;
    const { schemaMinor: _, trends: __, ...old } = current;
    await mkdir(join(dir, 'old'));
    await writeFile(join(dir, 'old', 'results.json'), JSON.stringify({ ...old, run: { ...old.run, scenario: { name: 'default', file: 'scenarios/default.yaml' } } }));
    const loaded = await loadHistory(dir);
    expect(loaded.runs).toHaveLength(1);
    const { results } = await report(copyOfRun(recorded, { daysAgo: 0 }), dir);
    expect(results.trends?.ignored.noHash).toBe(1);
  });

  it('tells the user when the folder does not exist', async () => {
    await expect(loadHistory('/nonexistent/sysctl-bench-history')).rejects.toBeInstanceOf(UserError);
  });
});

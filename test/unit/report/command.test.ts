import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../../harness/commands/report.js';
import { FIXTURE_RUN_DIR, fixtureRecords } from '../results/fixture.js';
import { temporaryDirectories } from '../results/temp-dirs.js';

const makeTempDir = temporaryDirectories('sysctl-bench-report-cmd');

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('sysctl-bench report', () => {
  it('rebuilds every format from raw/results.jsonl, prints where, and exits with the results exit code', async () => {
    const out = await makeTempDir();
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const program = new Command().exitOverride();
    registerReport(program);
    await program.parseAsync(['node', 'sysctl-bench', 'report', FIXTURE_RUN_DIR, '--out', out]);

    expect(process.exitCode).toBe(0);
    for (const name of ['results.json', 'index.html', 'junit.xml', 'summary.md']) {
      expect((await stat(join(out, name))).size).toBeGreaterThan(100);
      expect(printed.join('')).toContain(`wrote ${join(out, name)}`);
    }
    // The line names the run as the run itself did (its id, as newRunIds writes it: time, scenario, 4 random characters).
    const started = (await fixtureRecords()).find((r) => r.type === 'run-started');
    const runId = started?.type === 'run-started' ? started.runId : 'no run-started record';
    expect(runId).toMatch(/^\d{8}-\d{6}-default-[0-9a-z]{4}$/);
    expect(printed.join('')).toMatch(new RegExp(`^default \\(${runId}\\): passed, exit 0`));
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { schemaVersion: number; schemaMinor: number };
    expect(results).toMatchObject({ schemaVersion: 1, schemaMinor: 3 });
  });
});

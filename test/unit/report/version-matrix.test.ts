import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import type { Results } from '../../../harness/results/results.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import { renderJunit } from '../../../harness/report/junit.js';
import { renderSummaryMarkdown } from '../../../harness/report/summary-md.js';
import { mdText } from '../../../harness/report/markdown.js';
import { rolloutNotes } from '../../../harness/run/phases/plan.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { fixtureRecords, scenarioOf } from '../results/fixture.js';

/**
 * A version-matrix run records every admission once per Kubernetes version: the reports name each
 * row's version, and the JUnit test cases stay distinct. A one-version run shows no version column.
 */
let single: Results;
let matrix: Results;

beforeAll(async () => {
  const records = await fixtureRecords();
  const { thresholds } = thresholdsFromScenario(scenarioOf(records));
  single = aggregate(records, thresholds);
  const at = (version: string) => (record: RawRecord): RawRecord => (record.type === 'admission' ? { ...record, kubernetesVersion: version } : record);
  const admissions = records.filter((record) => record.type === 'admission');
  const finished = records.findIndex((record) => record.type === 'run-finished');
  const withVersions = [...records.map(at('1.37'))];
  withVersions.splice(finished === -1 ? withVersions.length : finished, 0, ...admissions.map(at('1.36')));
  matrix = aggregate(withVersions, thresholds);
});

describe('admission rows of several Kubernetes versions', () => {
  it('get an expectation each, whose id and name carry the version', () => {
    const admission = matrix.expectations.filter((e) => e.category === 'admission');
    expect(admission).toHaveLength(2 * single.expectations.filter((e) => e.category === 'admission').length);
    expect(new Set(admission.map((e) => e.id)).size).toBe(admission.length);
    expect(admission.at(-1)?.id).toMatch(/\/1\.36$/);
    expect(admission.at(-1)?.name).toMatch(/ on Kubernetes 1\.36 is /);
    expect(single.expectations.find((e) => e.category === 'admission')?.name).not.toMatch(/Kubernetes/);
  });

  it('are distinct JUnit test cases', () => {
    const names = [...renderJunit(matrix).matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((match) => match[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => name?.includes('on Kubernetes 1.37'))).toHaveLength(matrix.admission.total / 2);
  });

  it('show a Kubernetes column in summary.md and the HTML report, only when versions differ', () => {
    const md = renderSummaryMarkdown(matrix);
    expect(md).toContain('| Kubernetes | Workload | Variant | Pool |');
    expect(md).toMatch(/^\| 1\.36 \| /m);
    expect(renderSummaryMarkdown(single)).not.toContain('| Kubernetes |');
    expect(renderHtml({ results: matrix, chartJs: '' })).toMatch(/<th[^>]*>Kubernetes<\/th>/);
  });
});

describe('the environment of a version-matrix run', () => {
  it('lists each version with its node image and clusters, the first as the one measured', async () => {
    const versions = [
      { minor: '1.37', patch: '1.37.2', nodeImage: 'sysctl-bench/node:v1.37.2-aaaa', clusters: ['sb-m-1-37-ab12'] },
      { minor: '1.36', patch: '1.36.3', nodeImage: 'sysctl-bench/node:v1.36.3-bbbb', clusters: ['sb-m-1-36-ab12'] },
    ];
    const records = (await fixtureRecords()).map((record): RawRecord => (record.type === 'run-started'
      ? { ...record, environment: { ...record.environment, kubernetesVersions: versions } } : record));
    const page = renderHtml({ results: aggregate(records, []), chartJs: '' });
    expect(page).toMatch(/1\.37\.2 \(measured\): <span class="mono">sysctl-bench\/node:v1\.37\.2-aaaa<\/span> <span class="muted small">sb-m-1-37-ab12<\/span>/);
    expect(page).toContain('1.36.3 (admission only)');
    expect(renderHtml({ results: single, chartJs: '' })).not.toContain('(admission only)');
  });
});

describe('rollout notes (what no kubelet allowlist changes)', () => {
  const scenario = parseScenario(`
apiVersion: sysctl-bench/v1
kind: Scenario
metadata: { name: psa }
spec:
  kubernetesVersion: ["1.37", "1.36"]
  podSecurity: { enforce: baseline }
  pools:
    - name: net
      allowedUnsafeSysctls: ["net.*"]
  workloads:
    - name: web
      kind: Deployment
      app: net-server
      pool: net
      variants:
        - name: tuned
          sysctls: { net.core.somaxconn: "4096", vm.overcommit_memory: "0" }
`, 'psa.yaml');

  it('say that the namespace\'s Pod Security refuses an allowlisted unsafe sysctl, and which sysctls the kubelet sets itself', () => {
    const notes = rolloutNotes(scenario, 'sysctl-bench-ab12');
    expect(notes.filter((note) => note.kind === 'pod-security')).toHaveLength(2);
    expect(notes.find((note) => note.kind === 'pod-security')?.message).toMatch(/baseline/);
    expect(notes.find((note) => note.kind === 'kubelet-enforced')?.source).toBe('spec.workloads[0].variants[0].sysctls.vm.overcommit_memory');
  });

  it('go from run-started into results.json and the report\'s rollout section', async () => {
    const notes = rolloutNotes(scenario, 'sysctl-bench-ab12');
    const records = (await fixtureRecords()).map((record): RawRecord => (record.type === 'run-started' ? { ...record, rolloutNotes: notes } : record));
    const results = aggregate(records, thresholdsFromScenario(scenarioOf(records)).thresholds);
    expect(results.rolloutNotes).toEqual(notes);
    const page = renderHtml({ results, chartJs: '' });
    expect(page).toContain('What no kubelet allowlist changes');
    expect(single.rolloutNotes).toEqual([]);
    expect(renderHtml({ results: single, chartJs: '' })).not.toContain('What no kubelet allowlist changes');
    // summary.md (a pull request comment) carries them too, for a reviewer who reads only that.
    const summary = renderSummaryMarkdown(results);
    expect(summary).toContain('### Before rolling out');
    for (const note of notes) expect(summary).toContain(`- ${mdText(note.message)}`);
    expect(renderSummaryMarkdown(single)).not.toContain('Before rolling out');
  });
});

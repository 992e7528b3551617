import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import type { Results } from '../../../harness/results/results.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import { renderJunit } from '../../../harness/report/junit.js';
import { mdCell, renderSummaryMarkdown } from '../../../harness/report/summary-md.js';
import { fixtureRecords, scenarioOf } from '../results/fixture.js';

let records: RawRecord[];
let passed: Results;
let failed: Results;
let killed: Results;

beforeAll(async () => {
  records = await fixtureRecords();
  const { thresholds } = thresholdsFromScenario(scenarioOf(records));
  passed = aggregate(records, thresholds);
  failed = aggregate(records, [...thresholds, { workload: 'net-backlog', metric: 'connect_p99_ms', variant: 'tuned', max: 500 }]);
  killed = aggregate(records.filter((r) => r.type !== 'run-finished'), thresholds);
});

const countOf = (xml: string, pattern: RegExp) => (xml.match(pattern) ?? []).length;

describe('junit.xml', () => {
  it('has one test case per expectation, grouped by kind', () => {
    const xml = renderJunit(passed);
    expect(countOf(xml, /<testcase /g)).toBe(passed.expectations.length);
    expect(xml).toContain('name="sysctl-bench.admission"');
    expect(xml).toContain('name="sysctl-bench.isolation"');
    expect(xml).toContain('name="sysctl-bench.threshold"');
    expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
  });

  it('marks a failed threshold as a failure with its detail', () => {
    const xml = renderJunit(failed);
    expect(countOf(xml, /<failure /g)).toBe(1);
    expect(xml).toMatch(/<failure message="median 859(\.\d)? (&gt;|>) max 500"/);
  });

  it('reports a run that could not be carried out as an error', () => {
    const xml = renderJunit(killed);
    expect(xml).toMatch(/<error message="the run did not finish/);
  });
});

describe('summary.md', () => {
  it('starts with the status and the verdict paragraph, then tables', () => {
    const md = renderSummaryMarkdown(passed);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## sysctl-bench: net-backlog — ✅ passed (exit 0)');
    expect(lines[2]).toBe('_Does raising net.core.somaxconn stop a connect storm from timing out?_');
    expect(lines[4]).toMatch(/^Roll out net\.core\.somaxconn=4096/);
    expect(md).toContain('| net-backlog | connect_p99_ms | 2017 ms | 859 ms | −57% | 0.012 | improved |');
    expect(md).toContain('### Admission (predicted → observed)');
  });

  it('lists failed expectations and a could-not-run reason', () => {
    expect(renderSummaryMarkdown(failed)).toContain('### Failed expectations');
    expect(renderSummaryMarkdown(killed)).toMatch(/⚠️ could not run \(exit 2\)[\s\S]*\*\*Could not run:\*\* the run did not finish/);
  });

  it('escapes table cells', () => {
    expect(mdCell('a|b\nc<d')).toBe('a\\|b c&lt;d');
  });
});

describe('index.html', () => {
  const CHART_JS = '/* chart.js stand-in */';

  it('is self-contained: no external script, style, image or font', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    expect(page).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    expect(page).not.toMatch(/url\(/i);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain(CHART_JS);
  });

  it('has one h1 and the sections in reading order, verdict first', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    expect(countOf(page, /<h1[ >]/g)).toBe(1);
    const order = ['verdict', 'environment', 'admission', 'performance', 'isolation', 'thresholds', 'rollout', 'phases']
      .map((id) => page.indexOf(`<section id="${id}"`));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('gives every chart canvas an accessible name and places its spec', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    const canvases = countOf(page, /<canvas /g);
    expect(canvases).toBeGreaterThan(8);
    expect(countOf(page, /<canvas id="[^"]+" role="img" aria-label="[^"]+"/g)).toBe(canvases);
    const specs = JSON.parse(/<script type="application\/json" id="chart-specs">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '[]') as unknown[];
    expect(specs).toHaveLength(canvases);
  });

  it('shows the kubelet message and the rollout artifacts', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    expect(page).toContain('forbidden sysctl: &quot;net.core.somaxconn&quot; not allowlisted');
    expect(page).toContain('KUBELET_EXTRA_ARGS=&quot;--allowed-unsafe-sysctls=net.core.somaxconn,kernel.msgmax,kernel.msgmnb&quot;');
    expect(page).toContain('machineconfiguration.openshift.io/v1');
  });

  it('is identical when rendered twice (chart ids are per page)', () => {
    expect(renderHtml({ results: passed, chartJs: CHART_JS })).toBe(renderHtml({ results: passed, chartJs: CHART_JS }));
  });

  it('says plainly when the run could not be carried out, and lists failed expectations', () => {
    expect(renderHtml({ results: killed, chartJs: CHART_JS })).toContain('COULD NOT RUN');
    const page = renderHtml({ results: failed, chartJs: CHART_JS });
    expect(page).toContain('FAILED');
    expect(page).toContain('Expectations that failed');
  });
});

describe('index.html for a workload with many metrics', () => {
  it('charts only the metrics that changed or have a threshold, and says so', () => {
    const started = records.find((r) => r.type === 'run-started');
    const manyMetrics: RawRecord[] = [started as RawRecord];
    for (const variant of ['baseline', 'tuned']) {
      for (let repetition = 1; repetition <= 5; repetition++) {
        const metrics: Record<string, number> = { msg_16384_errors: variant === 'baseline' ? 900 + repetition : 0 };
        for (let i = 0; i < 11; i++) metrics[`msg_${i}_ops_per_s`] = 1000 + ((repetition * 7 + i) % 5);
        manyMetrics.push({ type: 'measurement', workload: 'ipc', variant, repetition, warmup: false, kind: 'ipc', metrics, generator: { saturated: false } });
      }
    }
    manyMetrics.push({ type: 'run-finished', finishedAt: '2024-11-25T03:00:00Z', status: 'completed' });
    const results = aggregate(manyMetrics, [{ workload: 'ipc', metric: 'msg_3_ops_per_s', expect: 'not-regressed' }]);
    const page = renderHtml({ results, chartJs: '' });
    expect(results.performance[0]?.comparisons).toHaveLength(12);
    expect(countOf(page, /<canvas id="median-/g)).toBe(2);
    expect(page).toContain('10 metrics without a detectable change and without a threshold are in the table only.');
  });
});

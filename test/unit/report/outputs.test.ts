import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import type { Results } from '../../../harness/results/results.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { githubAnnotations } from '../../../harness/report/github.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import { renderJunit } from '../../../harness/report/junit.js';
import { mdCell, mdCode, mdText } from '../../../harness/report/markdown.js';
import { formatRunSummary } from '../../../harness/report/run-summary.js';
import { renderSummaryMarkdown } from '../../../harness/report/summary-md.js';
import { fixtureRecords, scenarioOf } from '../results/fixture.js';

let records: RawRecord[];
let passed: Results;
let failed: Results;
let killed: Results;

/** The recorded run, killed in the middle of the IPC measurements (no run-finished). */
function killedDuringLoad(all: RawRecord[]): RawRecord[] {
  const cut = all.findIndex((r) => r.type === 'measurement' && r.workload === 'ipc' && 'sem_1000_errors' in r.metrics);
  return all.slice(0, cut);
}

beforeAll(async () => {
  records = await fixtureRecords();
  const { thresholds } = thresholdsFromScenario(scenarioOf(records));
  passed = aggregate(records, thresholds);
  failed = aggregate(records, [...thresholds, { workload: 'web', metric: 'connect_p99_ms', variant: 'tuned', max: 100 }]);
  killed = aggregate(killedDuringLoad(records), thresholds);
});

const countOf = (xml: string, pattern: RegExp) => (xml.match(pattern) ?? []).length;

describe('junit.xml', () => {
  it('has one test case per expectation, grouped by kind, each with a time', () => {
    const xml = renderJunit(passed);
    expect(countOf(xml, /<testcase /g)).toBe(passed.expectations.length);
    expect(xml).toContain('name="sysctl-bench.admission"');
    expect(xml).toContain('name="sysctl-bench.isolation"');
    expect(xml).toContain('name="sysctl-bench.threshold"');
    expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
    const times = [...xml.matchAll(/<testcase [^>]*time="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(times).toHaveLength(passed.expectations.length);
    // The deploy phase's time is shared by the admission cases, the load phase's by the thresholds.
    const phase = (name: string) => passed.phases.filter((p) => p.name === name).reduce((sum, p) => sum + p.durationMs, 0) / 1000;
    expect(Number(/<testsuite name="sysctl-bench\.admission"[^>]* time="([\d.]+)"/.exec(xml)?.[1])).toBeCloseTo(phase('deploy'), 1);
    expect(Number(/<testsuite name="sysctl-bench\.threshold"[^>]* time="([\d.]+)"/.exec(xml)?.[1])).toBeCloseTo(phase('load'), 1);
    expect(times.every((t) => t > 0)).toBe(true);
  });

  it('marks a failed threshold as a failure with its detail, in the metric\'s unit', () => {
    const xml = renderJunit(failed);
    expect(countOf(xml, /<failure /g)).toBe(1);
    expect(xml).toMatch(/<failure message="median \d+ ms (>|&gt;) max 100 ms"/);
  });

  it('keeps test case names of a killed run as in a complete one, and skips what it never measured with the reason', () => {
    const names = (xml: string) => [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    const complete = renderJunit(passed);
    const xml = renderJunit(killed);
    expect(names(xml).filter((n) => !n.startsWith('sysctl-bench.run '))).toEqual(names(complete));
    expect(xml).toContain('name="ipc [tuned] sem_1000_errors improved"');
    expect(xml).not.toContain('last variant');
    expect(xml).toMatch(/<error message="the run did not finish/);
    expect(xml).toMatch(/name="ipc \[tuned\] sem_1000_errors improved" time="0">[\s\S]*?<skipped message="not measured: the run did not finish before sem_1000_errors for ipc \[tuned\] was measured against a baseline"\/>/);
    expect(countOf(xml, /<failure /g)).toBe(0);
    expect(countOf(xml, /<skipped /g)).toBe(killed.expectations.filter((e) => e.status === 'skipped').length);
  });
});

describe('summary.md', () => {
  it('starts with the status and the verdict paragraph, and gives every median its 95% CI', () => {
    const md = renderSummaryMarkdown(passed);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## sysctl-bench: default — ✅ passed (exit 0)');
    expect(lines[2]).toBe('\\_the default suite — performance, admission and isolation of pod sysctls in one cluster\\_'.replace(/^\\_|\\_$/g, '_'));
    expect(lines[4]).toMatch(/^Roll out net\.core\.somaxconn=4096/);
    const p99 = passed.performance.find((w) => w.workload === 'web')?.comparisons.find((c) => c.metric === 'connect_p99_ms');
    expect(md).toMatch(/\| web \| TCP connect time, 99th percentile `connect_p99_ms` \| \d+ ms \(\d+ to \d+ ms\) \| \d+ ms \(\d+ to \d+ ms\) \| −\d+ to −\d+ ms \| −\d+% \| 0\.0\d+ \| improved \|/);
    expect(md).toContain(`(${p99!.baseline.ci.low.toFixed(0)} to ${p99!.baseline.ci.high.toFixed(0)} ms)`);
    expect(md).toContain('### Admission (predicted → observed)');
  });

  it('gives a share in percent everywhere, its difference in percentage points', () => {
    expect(renderSummaryMarkdown(passed)).toMatch(/Share of requests that failed `error_rate` \| \d+\.\d+% \(\d+\.\d+ to \d+\.\d+%\) \| 0% \(0 to 0%\) \| −\d+\.\d+ to −\d+\.\d+ pp \|/);
  });

  it('lists failed expectations, skipped ones with why, and a could-not-run reason', () => {
    expect(renderSummaryMarkdown(failed)).toContain('### Failed expectations');
    const md = renderSummaryMarkdown(killed);
    expect(md).toMatch(/⚠️ could not run \(exit 3\)[\s\S]*\*\*Could not run:\*\* the run did not finish/);
    expect(md).toContain('### Skipped (not measured or not carried out)');
    expect(md).toContain('| ipc \\[tuned\\] sem\\_1000\\_errors improved | not measured: the run did not finish before sem\\_1000\\_errors');
  });
});

describe('Markdown from data is inert', () => {
  const render = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  const hostile = [
    '[click](https://evil.example/x)', '![img](https://evil.example/i.png)', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>',
    'https://evil.example/bare', 'www.evil.example', 'mail me@evil.example', '@octocat and @github/security', 'a|b', '# heading', '- item', '1. item',
    '**bold** _em_ ~~del~~ `code`', '&lt;b&gt;', 'line\nbreak',
  ];

  it.each(hostile)('mdText(%j) renders as plain text: no link, image, HTML, mention or formatting', (text) => {
    const html = render(mdText(text));
    expect(html).not.toMatch(/<(a|img|script|strong|em|del|code|h\d|li|ul|ol|br)[\s>]/);
    // GitHub links @mentions in rendered text: a zero-width space after @ stops it.
    expect(html.replace(/\u200b/g, '')).not.toMatch(/@[a-z]/i.test(text) ? /$^/ : /\u0000/);
    expect(html).not.toMatch(/@[A-Za-z]/);
  });

  it('keeps hostile table cells inside their cell and code spans verbatim', () => {
    const table = `| A | B |\n| --- | --- |\n| ${mdCell('x | y')} | ${mdCode('a|b `c` <img src=x>', { inTable: true })} |`;
    const html = render(table);
    expect(countOf(html, /<td>/g)).toBe(2);
    expect(html).toContain('<code>a|b `c` &lt;img src=x&gt;</code>');
    expect(html).not.toContain('<img');
  });

  it('keeps hostile names and kubelet messages from a run inert in summary.md', () => {
    const evil = '[x](https://evil.example) ![i](https://evil.example/i.png) <img src=x> @octocat www.evil.example';
    const hostileRecords = records.map((r) => {
      if (r.type === 'admission') return { ...r, workload: `${r.workload}${evil}`, observed: { ...r.observed, outcome: 'forbidden' as const, reason: evil, message: evil }, match: false };
      if (r.type === 'run-started') return { ...r, scenario: { ...r.scenario, name: `default ${evil}` } };
      return r;
    });
    const md = renderSummaryMarkdown(aggregate(hostileRecords, [{ workload: 'web', metric: 'connect_p99_ms', max: 1, variant: `tuned${evil}` }]));
    const html = render(md);
    expect(html).not.toMatch(/<(a|img)[\s>]/);
    expect(html).not.toMatch(/@octocat/);
    expect(html).toContain('@\u200boctocat');
  });
});

describe('GitHub annotations', () => {
  it('are printed under GitHub Actions only, one ::error per failed expectation, escaped', () => {
    expect(githubAnnotations(failed, {})).toEqual([]);
    expect(githubAnnotations(passed, { GITHUB_ACTIONS: 'true' })).toEqual([]);
    const lines = githubAnnotations(failed, { GITHUB_ACTIONS: 'true' });
    expect(lines).toEqual([expect.stringMatching(/^::error file=scenarios\/default\.yaml,title=sysctl-bench default%3A web \[tuned\] connect_p99_ms <= 100::median \d+ ms > max 100 ms$/)]);
    const multiLine = { ...failed, expectations: [{ ...failed.expectations[0]!, status: 'failed' as const, passed: false, detail: '50% done\nnext: a, b' }] };
    expect(githubAnnotations(multiLine, { GITHUB_ACTIONS: 'true' })[0]).toMatch(/::50%25 done%0Anext: a, b$/);
    // A property (the title) also encodes the ':' and ',' that separate properties; the data keeps them.
    const separators = { ...failed, expectations: [{ ...failed.expectations[0]!, status: 'failed' as const, passed: false, name: 'a: b, c%\r\nd', detail: 'x: y, z\r\n' }] };
    expect(githubAnnotations(separators, { GITHUB_ACTIONS: 'true' })[0]).toBe('::error file=scenarios/default.yaml,title=sysctl-bench default%3A a%3A b%2C c%25%0D%0Ad::x: y, z%0D%0A');
  });

  it('report a run that could not be carried out', () => {
    expect(githubAnnotations(killed, { GITHUB_ACTIONS: 'true' })[0]).toMatch(/^::error file=scenarios\/default\.yaml,title=sysctl-bench default%3A the run could not be carried out::the run did not finish/);
  });
});

describe('the end-of-run summary', () => {
  it('marks each expectation, gives key metrics with their CIs, and the report path', () => {
    const text = formatRunSummary(failed, '/runs/r1');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^default: FAILED \(exit 1\) in \d+ min \d+ s$/);
    expect(text).toMatch(/\n {2}✓ admission {2}Deployment web \[baseline\] on pool net is admitted\n/);
    expect(text).toMatch(/\n {2}✗ threshold {2}web \[tuned\] connect_p99_ms <= 100 — median \d+ ms > max 100 ms\n/);
    expect(text).toMatch(/web · TCP connect time, 99th percentile \(connect_p99_ms\)\n {6}baseline \d+ ms \(\d+ to \d+ ms\) → tuned \d+ ms \(\d+ to \d+ ms\); −\d+%, difference −\d+ to −\d+ ms: improved/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Report: /runs/r1/index.html');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('marks what a killed run skipped', () => {
    const text = formatRunSummary(killed, '/runs/r2');
    expect(text).toMatch(/^default: COULD NOT RUN \(exit 3\)/);
    expect(text).toContain('  – threshold  ipc [tuned] sem_1000_errors improved — skipped: not measured: the run did not finish');
  });
});

describe('index.html', () => {
  const CHART_JS = '/* chart.js stand-in */';

  it('is self-contained: no external script, style, image or font', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    expect(page).not.toMatch(/<(script|img|link|iframe|source|video|audio|object|embed)[^>]+(src|href|data)=/i);
    const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
    // No attribute loads or points anywhere: no URL in any tag (links, srcset, poster, form action ...).
    expect(tags.filter((tag) => /https?:\/\/|\b(src|href|srcset|poster|action)\s*=\s*["']?\/\//i.test(tag))).toEqual([]);
    // No stylesheet fetches anything.
    const styles = [...page.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('\n')
      + tags.map((tag) => /\sstyle="([^"]*)"/i.exec(tag)?.[1] ?? '').join('\n');
    expect(styles).not.toMatch(/url\(|@import/i);
    expect(page).toContain(CHART_JS);
    // A URL in what the cluster said is data, shown as text: the recorded run's kubelet reported a
    // readiness probe's "Get "http://<pod IP>:8080/healthz"" while the server started.
    const text = page.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<[^>]+>/g, ' ');
    expect(text).toMatch(/Readiness probe failed: Get &quot;http:\/\/[\d.]+:8080\/healthz&quot;/);
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

  it('shows the kubelet message, the rollout artifacts and the environment with the kind kernel note', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    // The strict pool's kubelet refused strict-net-unsafe (net.core.somaxconn is not on its allowlist).
    expect(page).toContain('Pod was rejected: forbidden sysctl: &quot;net.core.somaxconn&quot; not allowlisted');
    expect(page).toContain('KUBELET_EXTRA_ARGS=');
    expect(page).toContain('machineconfiguration.openshift.io/v1');
    expect(page).toContain('On kind, the nodes share this machine\'s kernel.');
    // What the kind run recorded about where it ran is all on the page.
    const env = passed.environment!;
    expect(env.provider).toBe('kind');
    const shown = [env.kindVersion, env.kubernetesVersion, env.nodeImage, env.containerRuntime, env.cgroupVersion, env.kernel,
      env.sysctlBench?.version, env.sysctlBench?.commit?.slice(0, 12), ...env.nodes.map((n) => n.name)];
    for (const value of shown) {
      expect(value).toBeDefined();
      expect(page).toContain(value);
    }
    // kind's kubelets are configured from the scenario, not read back: each says where its configuration came from.
    expect(page).toContain('Kubelet configurations as planned');
    expect(page).not.toContain('Kubelet configurations as read');
    expect(countOf(page, /<summary>[^<]+ <span class="muted">\(planned \(from the scenario\)\)<\/span><\/summary>/g))
      .toBe(env.nodes.filter((n) => n.role === 'worker').length);
  });

  it('on an existing cluster shows each node\'s runtime and the configuration its kubelet served, without the kind note', () => {
    const { kindVersion: _k, nodeImage: _i, containerRuntime: _r, cgroupVersion: _c, ...env } = passed.environment!;
    const existing: Results = { ...passed, environment: { ...env, provider: 'existing', nodes: env.nodes.map((n) => ({
      ...n, containerRuntime: 'containerd://2.1.4', kubeletConfigSource: 'configz (the live kubelet)' })) } };
    const page = renderHtml({ results: existing, chartJs: CHART_JS });
    expect(page).toContain('an existing cluster');
    expect(page).toContain('(in the nodes: containerd://2.1.4)');
    expect(page).toContain('(configz (the live kubelet))');
    expect(page).toContain('Kubelet configurations as read');
    expect(page).not.toContain('On kind, the nodes share this machine\'s kernel.');
  });

  it('uses one unit per metric, one name per metric, and U+2212 for minus signs', () => {
    const page = renderHtml({ results: passed, chartJs: CHART_JS });
    // error_rate: percent for values and intervals, percentage points for the difference.
    expect(page).toMatch(/\d+\.\d+%<div class="muted small">\d+\.\d+ to \d+\.\d+%<\/div>/);
    expect(page).toMatch(/−\d+\.\d+ to −\d+\.\d+ pp/);
    expect(page).not.toMatch(/\[0\.\d{4}, 0\.\d{4}\]/);
    const text = page.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ');
    // No hyphen-minus before a number in any text shown (identifiers and dates aside).
    expect(text.match(/(^|[\s(\[])-\d/g) ?? []).toEqual([]);
    // The metric's one name; the identifier appears beside it, never an underscore-less variant of it.
    expect(page).not.toContain('connect p99 ms');
    expect(page).not.toContain('connect ms');
  });

  it('is identical when rendered twice (chart ids are per page)', () => {
    expect(renderHtml({ results: passed, chartJs: CHART_JS })).toBe(renderHtml({ results: passed, chartJs: CHART_JS }));
  });

  it('says plainly when the run could not be carried out, lists failed and skipped expectations', () => {
    expect(renderHtml({ results: killed, chartJs: CHART_JS })).toContain('COULD NOT RUN');
    expect(renderHtml({ results: killed, chartJs: CHART_JS })).toContain('Skipped: what the run did not get to');
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
    manyMetrics.push({ type: 'run-finished', finishedAt: '2025-03-01T03:00:00Z', status: 'completed' });
    const results = aggregate(manyMetrics, [{ workload: 'ipc', metric: 'msg_3_ops_per_s', expect: 'not-regressed' }]);
    const page = renderHtml({ results, chartJs: '' });
    expect(results.performance[0]?.comparisons).toHaveLength(12);
    expect(countOf(page, /<canvas id="median-/g)).toBe(2);
    expect(page).toContain('10 metrics without a detectable change and without a threshold are in the table only.');
  });
});

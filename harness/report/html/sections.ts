import {
  formatDifferenceInterval, formatDuration, formatMetricInterval, formatMetricValue, formatNumber, formatP, formatPercent, formatSysctls,
} from '../../results/format.js';
import type { AdmissionCase, Expectation, Results, ThresholdResult, TrendReport, WorkloadPerformance } from '../../results/results.js';
import { admissionVersionsDiffer } from '../../results/expectations.js';
import type { Verdict } from '../../stats/compare.js';
import { metricInfo } from '../../stats/direction.js';
import { distributionChart, medianChart, seriesChart, trendChart, type ChartSpec } from './charts.js';
import { badge, chartFigure, code, passFail, table, verdictBadge } from './components.js';
import { citedKernelMetrics, kernelBlock } from './kernel.js';
import { html, type Html } from './escape.js';

/** Each section returns its HTML and registers the charts it placed, for the client script. */
export type ChartSink = (spec: ChartSpec) => void;

export function verdictSection(results: Results): Html {
  const { outcome, recommendation, expectations, trends } = results;
  const failed = expectations.filter((e) => e.status === 'failed');
  const skipped = expectations.filter((e) => e.status === 'skipped');
  const tone = outcome.status === 'passed' ? '' : outcome.status;
  const categories = (['admission', 'isolation', 'threshold', 'trend'] as const).filter((c) => c !== 'trend' || expectations.some((e) => e.category === c));
  const counts = categories.map((category) => {
    const list = expectations.filter((e) => e.category === category);
    const judged = list.filter((e) => e.status !== 'skipped');
    const ok = judged.filter((e) => e.passed).length;
    const notJudged = list.length - judged.length;
    return html`<div class="count"><span class="muted">${labelOfCategory(category)}</span><strong>${ok} / ${judged.length}</strong><span class="muted">held${notJudged ? `, ${notJudged} skipped` : ''}</span></div>`;
  });
  const regressions = trends?.trends.filter((t) => t.status === 'regression') ?? [];
  return html`<section id="verdict" aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict</h2>
<div class="verdict ${tone}">
<p class="lead">${recommendation.summary}</p>
<p>${outcomeBadge(results)} <span class="muted">exit code ${outcome.exitCode}: ${outcome.reason}</span></p>
</div>
<div class="decisions">
<div class="decision"><h3>Roll out</h3>${recommendation.rollOut.length
    ? html`<ul>${recommendation.rollOut.map((r) => html`<li>${code(formatSysctls(r.sysctls))} for <strong>${r.workload}</strong><div class="muted small">${r.because}</div></li>`)}</ul>`
    : html`<p class="muted">Nothing: no tuned variant earned a recommendation.</p>`}</div>
<div class="decision"><h3>Do not roll out</h3>${recommendation.doNotRollOut.length
    ? html`<ul>${recommendation.doNotRollOut.map((r) => html`<li>${code(formatSysctls(r.sysctls))} for <strong>${r.workload}</strong> <span class="muted">[${r.variant}]</span><div class="muted small">${r.because}</div></li>`)}</ul>`
    : html`<p class="muted">Nothing was advised against.</p>`}</div>
</div>
<div class="counts">${counts}</div>
${trends && regressions.length ? html`<h3>${badge(trends.settings.failOnRegression ? 'regression' : 'regression, reported only', trends.settings.failOnRegression ? 'bad' : 'warn')} Against the last ${trends.compared.length} runs of this scenario</h3>
${table('Metrics that regressed against earlier runs', [{ label: 'Metric' }, { label: 'This run', numeric: true }, { label: 'Earlier runs\' band', numeric: true }, { label: 'Detail' }],
    regressions.map((t) => {
      const now = t.points.at(-1);
      return [
        metricName(t.label, t.metric, html`${t.workload} <span class="muted">[${t.variant}]</span>`),
        now ? valueWithInterval(now.median, now.ciLow, now.ciHigh, t.unit) : '—',
        t.band ? html`${formatMetricInterval(t.band.low, t.band.high, t.unit)}<div class="muted small">median ${formatMetricValue(t.band.center, t.unit)}</div>` : '—',
        t.detail,
      ];
    }), { rowClass: () => 'fail' })}
<p class="muted small">${trends.settings.failOnRegression ? 'The scenario fails on regressions (spec.trends.failOnRegression).' : 'The scenario does not fail on regressions; set spec.trends.failOnRegression: true to make them fail the run.'} See <a href="#trends">Trends</a>.</p>` : ''}
${failed.length ? table('Expectations that failed', [{ label: 'Expectation' }, { label: 'Kind' }, { label: 'What happened' }],
    failed.map((e) => [e.name, e.category, e.detail]), { rowClass: () => 'fail' }) : ''}
${skipped.length ? table('Skipped: what the run did not get to', [{ label: 'Expectation' }, { label: 'Kind' }, { label: 'Why' }],
    skipped.map((e) => [e.name, e.category, e.detail])) : ''}
</section>`;
}

function labelOfCategory(category: string): string {
  return { admission: 'Admission predictions', isolation: 'Isolation proofs', threshold: 'Thresholds', trend: 'No regression', run: 'Run' }[category] ?? category;
}

export function outcomeBadge(results: Results): Html {
  const { status } = results.outcome;
  if (status === 'passed') return badge('PASSED', 'ok');
  if (status === 'failed') return badge('FAILED', 'bad');
  return badge('COULD NOT RUN', 'warn');
}

export function environmentSection(results: Results): Html {
  const env = results.environment;
  if (!env) {
    return html`<section id="environment" aria-labelledby="environment-h"><h2 id="environment-h">Environment</h2><p>No environment was recorded.</p></section>`;
  }
  const onKind = env.provider === 'kind' || (env.provider === undefined && env.kindVersion !== undefined);
  const nodeKernels = [...new Set(env.nodes.map((n) => n.kernel).filter((k): k is string => Boolean(k)))];
  const notRecorded = html`<span class="muted">not recorded</span>`;
  const build = env.sysctlBench;
  return html`<section id="environment" aria-labelledby="environment-h">
<h2 id="environment-h">Environment</h2>
${onKind ? html`<p class="note"><strong>On kind, the nodes share this machine's kernel.</strong> Every node is a container on the machine that ran the test, so the kernel (${env.kernel}), its node-level sysctls and its CPUs are that machine's: absolute numbers describe this machine, not a production node. The comparison of variants, measured alternately on the same machine, is what carries over.</p>` : ''}
<dl class="env">
<dt>Cluster</dt><dd>${env.provider === 'existing' ? 'an existing cluster' : onKind ? `kind${env.kindVersion ? ` ${env.kindVersion}` : ''}` : notRecorded}</dd>
${env.kubernetesVersions && env.kubernetesVersions.length > 1
    // A version-matrix run: admission observed on each version, measurements on the first.
    ? html`<dt>Kubernetes</dt><dd>${env.kubernetesVersions.map((v, i) => html`<div>${v.patch}${i === 0 ? ' (measured)' : ' (admission only)'}: <span class="mono">${v.nodeImage ?? notRecorded}</span> <span class="muted small">${v.clusters.join(', ')}</span></div>`)}</dd>`
    : html`<dt>Kubernetes</dt><dd>${env.kubernetesVersion}</dd>
<dt>Node image</dt><dd class="mono">${env.nodeImage ?? notRecorded}</dd>`}
<dt>Container runtime</dt><dd>${env.containerRuntime ?? notRecorded}${nodeRuntimes(env.nodes)}</dd>
<dt>cgroup</dt><dd>${env.cgroupVersion ?? notRecorded}</dd>
<dt>Kernel</dt><dd>${env.kernel}${nodeKernels.length && nodeKernels.some((k) => k !== env.kernel) ? html` <span class="muted">(nodes: ${nodeKernels.join(', ')})</span>` : ''}</dd>
<dt>Machine</dt><dd>${env.machine.cpus} CPUs, ${env.machine.memory}, ${env.machine.os}</dd>
<dt>Load generator</dt><dd>${results.loadGenerator ? `${results.loadGenerator.name} ${results.loadGenerator.version}` : notRecorded}</dd>
<dt>sysctl-bench</dt><dd>${build ? html`${build.version}${build.commit ? html` <span class="mono">${build.commit.slice(0, 12)}</span>${build.dirty ? ' (with uncommitted changes)' : ''}` : ''}` : notRecorded}</dd>
<dt>Scenario</dt><dd>${results.run.scenario.name} <span class="muted">(${results.run.scenario.file}${results.run.scenario.definitionHash ? html`, definition <span class="mono">${results.run.scenario.definitionHash}</span>` : ''})</span></dd>
</dl>
${table('Nodes and their kubelets', [{ label: 'Node' }, { label: 'Pool' }, { label: 'Role' }, { label: 'Kernel' }, { label: 'Allowed unsafe sysctls' }, { label: 'Kubelet flags' }],
    env.nodes.map((n) => [
      n.name,
      n.pool,
      n.role,
      n.kernel ?? notRecorded,
      n.allowedUnsafeSysctls.length ? html`<span class="flags">${n.allowedUnsafeSysctls.map(code)}</span>` : html`<span class="muted">none</span>`,
      n.kubeletFlags.length ? html`<span class="flags">${n.kubeletFlags.map(code)}</span>` : html`<span class="muted">none</span>`,
    ]))}
${env.nodes.some((n) => n.kubeletConfig) ? html`<h3>${env.provider === 'kind' ? 'Kubelet configurations as planned' : 'Kubelet configurations as read'}</h3>
${env.nodes.filter((n) => n.kubeletConfig).map((n) => html`<details><summary>${n.name} <span class="muted">(${n.kubeletConfigSource ?? 'as read'})</span></summary><pre><code>${JSON.stringify(n.kubeletConfig, null, 2)}</code></pre></details>`)}` : ''}
</section>`;
}

function nodeRuntimes(nodes: NonNullable<Results['environment']>['nodes']): Html | string {
  const runtimes = [...new Set(nodes.map((n) => n.containerRuntime).filter((r): r is string => Boolean(r)))];
  return runtimes.length ? html` <span class="muted">(in the nodes: ${runtimes.join(', ')})</span>` : '';
}

/** A metric by its one name, its identifier (what thresholds use) small beneath it. */
function metricName(label: string, metric: string, prefix?: Html): Html {
  return html`${prefix ? html`${prefix} ` : ''}${label}<div class="muted small mono">${metric}</div>`;
}

function valueWithInterval(median: number, low: number, high: number, unit: string): Html {
  return html`${formatMetricValue(median, unit)}<div class="muted small">${formatMetricInterval(low, high, unit)}</div>`;
}

export function admissionSection(results: Results): Html {
  const { cases, matched, total } = results.admission;
  const several = admissionVersionsDiffer(cases);
  return html`<section id="admission" aria-labelledby="admission-h">
<h2 id="admission-h">Admission: predicted against observed</h2>
<p>Before deploying, the harness predicts what each pool's kubelet will do with each pod's sysctls; the table compares that with what the cluster did. ${matched} of ${total} predictions matched.</p>
${total ? table('Admission matrix', [
    ...(several ? [{ label: 'Kubernetes' }] : []),
    { label: 'Workload' }, { label: 'Variant' }, { label: 'Pool' }, { label: 'Sysctls' }, { label: 'Predicted' }, { label: 'Observed (and what the cluster said)' }, { label: 'Match' },
  ], cases.map((c) => [...(several ? [c.kubernetesVersion ?? 'unknown'] : []), ...admissionRow(c)]), { rowClass: (i) => (cases[i]?.match ? '' : 'fail') }) : html`<p class="muted">No admission was recorded.</p>`}
</section>`;
}

function admissionRow(c: AdmissionCase): (Html | string)[] {
  // What the kubelet or API server said goes under the observed outcome, verbatim: it is the evidence.
  const said = [c.observed.message, ...(c.observed.events ?? [])].filter((x): x is string => Boolean(x));
  return [
    html`${c.workload}<div class="muted small">${c.kind}</div>`,
    c.variant,
    c.pool,
    Object.keys(c.sysctls).length ? html`${Object.entries(c.sysctls).map(([k, v]) => html`<div>${code(`${k}=${v}`)}</div>`)}` : html`<span class="muted">none</span>`,
    html`${outcomeWord(c.predicted.outcome)}${c.predicted.reason ? html`<div class="muted small">${c.predicted.reason}</div>` : ''}`,
    html`${outcomeWord(c.observed.outcome)}${c.observed.reason ? html` <span class="muted small">${c.observed.reason}</span>` : ''}${c.observed.podPhase ? html`<div class="muted small">pod phase ${c.observed.podPhase}</div>` : ''}${said.map((s) => html`<div class="said mono">${s}</div>`)}`,
    passFail(c.match),
  ];
}

function outcomeWord(outcome: string): Html {
  return outcome === 'admitted' ? badge('admitted', 'ok') : badge(outcome, outcome === 'forbidden' ? 'warn' : 'neutral');
}

export function performanceSection(results: Results, sink: ChartSink): Html {
  return html`<section id="performance" aria-labelledby="performance-h">
<h2 id="performance-h">Performance</h2>
<p>Each variant ran the same load several times; warm-up repetitions are left out. Medians carry a bootstrap 95% confidence interval (2,000 resamples), shown beneath them. A change is called only when the Mann-Whitney U test gives p &lt; 0.05 <em>and</em> the 95% interval of the difference of medians excludes zero. Cliff's δ is the effect size: −1 means every tuned value was below every baseline value. Shares are in percent; their differences in percentage points (pp).</p>
${results.performance.length ? results.performance.map((w) => workloadBlock(w, sink, new Set(results.thresholds.filter((t) => t.workload === w.workload).map((t) => t.metric)))) : html`<p class="muted">No measurement was recorded.</p>`}
</section>`;
}

/** Past this many metrics a workload charts only the ones that changed or that a threshold names. */
const MAX_CHARTED_METRICS = 9;

function workloadBlock(workload: WorkloadPerformance, sink: ChartSink, thresholdMetrics: Set<string>): Html {
  const place = (spec: ChartSpec | null) => {
    if (!spec) return '';
    sink(spec);
    return chartFigure(spec);
  };
  const allMetrics = [...new Set(workload.comparisons.map((c) => c.metric))];
  const cited = citedKernelMetrics(workload);
  const telling = (metric: string) => thresholdMetrics.has(metric) || cited.has(metric)
    || workload.comparisons.some((c) => c.metric === metric && c.verdict !== 'no-detectable-change');
  const metrics = allMetrics.length > MAX_CHARTED_METRICS ? allMetrics.filter(telling) : allMetrics;
  const uncharted = allMetrics.length - metrics.length;
  const sampleMetrics = [...new Set(workload.distributions.map((d) => d.metric))];
  const seriesMetrics = [...new Set(workload.series.flatMap((r) => Object.keys(r.series.values)))];
  const saturated = workload.variants.filter((v) => v.saturatedRepetitions > 0);
  return html`<h3 id="workload-${slug(workload.workload)}">${workload.workload} <span class="muted">(${workload.kind === 'ipc' ? 'IPC' : 'network load'})</span></h3>
${table(`${workload.workload}: variants`, [{ label: 'Variant' }, { label: 'Sysctls' }, { label: 'Measured repetitions', numeric: true }, { label: 'Warm-ups', numeric: true }, { label: 'Generator CPU max', numeric: true }, { label: 'Saturated repetitions', numeric: true }],
    workload.variants.map((v) => [
      html`${v.variant}${v.variant === workload.baselineVariant && v.variant !== 'baseline' ? html` <span class="muted">(baseline)</span>` : ''}`,
      Object.keys(v.sysctls).length ? code(formatSysctls(v.sysctls)) : html`<span class="muted">node defaults</span>`,
      v.repetitions, v.warmups, v.maxGeneratorCpuPercent === null ? '—' : `${formatNumber(v.maxGeneratorCpuPercent, 1)}%`,
      v.saturatedRepetitions ? badge(String(v.saturatedRepetitions), 'warn') : '0',
    ]))}
${saturated.length ? html`<p>${badge('caution', 'warn')} The load generator was saturated in some repetitions of ${saturated.map((v) => v.variant).join(', ')}: those numbers may measure the generator, not the server.</p>` : ''}
${workload.comparisons.length ? metricsTable(workload) : html`<p class="muted">No metric was measured for both the baseline and a tuned variant.</p>`}
${kernelBlock(workload)}
<h4>Medians with 95% confidence intervals</h4>
<p class="muted small">Bars: median of the measured repetitions. Whiskers: bootstrap 95% confidence interval of that median. Dots: each repetition.${uncharted ? ` ${uncharted} metrics without a detectable change and without a threshold are in the table only.` : ''}</p>
<div class="charts">${metrics.map((m) => place(medianChart(workload, m)))}</div>
${sampleMetrics.length || seriesMetrics.length ? html`<h4>Distributions and time series</h4>
<div class="charts wide">${sampleMetrics.map((m) => place(distributionChart(workload, m)))}${seriesMetrics.map((m) => place(seriesChart(workload, m)))}</div>` : ''}`;
}

function metricsTable(workload: WorkloadPerformance): Html {
  // A variant column only when there is more than one tuned variant to tell apart.
  const tuned = [...new Set(workload.comparisons.map((c) => c.variant))];
  const several = tuned.length > 1;
  const columns = [
    { label: 'Metric' }, ...(several ? [{ label: 'Variant' }] : []),
    { label: `${workload.baselineVariant} median, 95% CI`, numeric: true }, { label: `${several ? 'variant' : tuned[0] ?? 'tuned'} median, 95% CI`, numeric: true },
    { label: 'Change', numeric: true }, { label: 'Difference, 95% CI', numeric: true }, { label: 'p', numeric: true }, { label: "Cliff's δ", numeric: true }, { label: 'Verdict' },
  ];
  const arrow = (direction: string) => (direction === 'lower-is-better' ? '↓ lower is better' : direction === 'higher-is-better' ? '↑ higher is better' : 'no better direction');
  return table(`${workload.workload}: each metric, against ${workload.baselineVariant}`, columns, workload.comparisons.map((c) => [
    html`${c.label}<div class="muted small"><span class="mono">${c.metric}</span> · ${arrow(c.direction)}</div>`,
    ...(several ? [c.variant] : []),
    valueWithInterval(c.baseline.median, c.baseline.ci.low, c.baseline.ci.high, c.unit),
    valueWithInterval(c.tuned.median, c.tuned.ci.low, c.tuned.ci.high, c.unit),
    formatPercent(c.changePercent),
    formatDifferenceInterval(c.difference.ci.low, c.difference.ci.high, c.unit),
    formatP(c.pValue),
    html`${formatNumber(c.effect.cliffsDelta, 2)}<div class="muted small">${c.effect.magnitude}</div>`,
    verdictBadge(c.verdict),
  ]), { rowClass: (i) => (workload.comparisons[i]?.verdict === 'regressed' ? 'fail' : '') });
}

export function isolationSection(results: Results): Html {
  return html`<section id="isolation" aria-labelledby="isolation-h">
<h2 id="isolation-h">Isolation proofs</h2>
<p>Namespaced sysctls must stay inside the pod that sets them: the node, neighbouring pods and the machine running kind keep their own values. Each proof reads the values before, during and after.</p>
${results.isolation.length ? table('Isolation proofs', [{ label: 'Check' }, { label: 'Sysctl' }, { label: 'Values read' }, { label: 'Conclusion' }, { label: 'Result' }],
    results.isolation.map((p) => [
      html`${p.check}${p.workload ? html`<br><span class="muted">${p.workload}</span>` : ''}`,
      code(p.sysctl),
      html`${p.values.map((v) => html`<div>${v.where} <span class="mono">${v.name}</span> (${v.at}): <strong class="mono">${v.value}</strong></div>`)}`,
      p.detail,
      passFail(p.passed),
    ]), { rowClass: (i) => (results.isolation[i]?.passed ? '' : 'fail') }) : html`<p class="muted">No isolation proof was recorded.</p>`}
${hostKernelBlock(results)}
</section>`;
}

/**
 * kind nodes share this machine's kernel: what they (or the proofs) changed on it, who, and
 * whether it was put back; the run either restored it or left that to the last run still there.
 */
type HostChange = NonNullable<Results['hostKernel']>['changes'][number];

function hostKernelBlock(results: Results): Html | string {
  const host = results.hostKernel;
  if (!host) return '';
  const where = `${host.compared} /proc/sys entries of this machine compared with the run's baseline (taken ${readableTime(host.baseline.takenAt)}${host.baseline.runId === results.run.runId ? '' : ` by run ${host.baseline.runId}`}); ${host.volatile} counters that move by themselves${host.transientInterfaces.length ? ` and the entries of ${host.transientInterfaces.length} interfaces that came or went` : ''} left out.`;
  const status = host.status === 'restored'
    ? (host.remaining.length === 0 ? 'Every entry reads as before the first cluster.' : `Still different after putting back: ${host.remaining.map((d) => `${d.name} ${d.before ?? '(absent)'} → ${d.after ?? '(absent)'}`).join(', ')}.`)
    : `Put back later: ${host.waitingFor.join(', ')} ${host.waitingFor.length === 1 ? 'is' : 'are'} still on the machine, and the last run to finish restores the host.`;
  const row = (c: HostChange) => [
    code(c.name), html`<span class="mono">${c.before ?? '(absent)'}</span>`, html`<span class="mono">${c.found ?? '(absent)'}</span>`, c.who,
    c.restored
      ? html`${badge('put back', 'ok')}${c.after !== undefined ? html` <span class="mono">${c.after}</span>` : ''}`
      : html`${host.status === 'deferred' ? badge('later', 'neutral') : badge('not put back', c.source === 'other' ? 'warn' : 'bad')}${c.error ? html`<br><span class="muted">${c.error}</span>` : ''}`,
  ];
  const columns = [{ label: 'Sysctl' }, { label: 'Before the first cluster' }, { label: 'After the run' }, { label: 'Changed by' }, { label: 'Restored' }];
  return html`<h3 id="host-kernel">This machine's kernel</h3>
<p>The kind nodes run on this machine's kernel: a node-level write inside a node (by the kubelet, systemd or a proof) is a write to this machine. ${where} ${status}</p>
${host.changes.length ? table('What changed on this machine, and who changed it', columns, host.changes.map(row), { rowClass: (i) => (host.changes[i]?.restored || host.status === 'deferred' ? '' : 'fail') }) : html`<p class="muted">Nothing on this machine's kernel changed during the run.</p>`}
${host.earlier.length ? table('Left by earlier runs, put back before this one started', columns, host.earlier.map(row)) : ''}`;
}

export function thresholdSection(results: Results): Html {
  return html`<section id="thresholds" aria-labelledby="thresholds-h">
<h2 id="thresholds-h">Thresholds</h2>
${results.thresholds.length ? table('Scenario thresholds, on the median of measured repetitions', [{ label: 'Threshold' }, { label: 'Actual median', numeric: true }, { label: 'Verdict' }, { label: 'Detail' }, { label: 'Result' }],
    results.thresholds.map((t) => {
      const unit = t.unit ?? metricInfo(t.metric).unit;
      const conditions = [
        t.expect ? `expect ${t.expect.replace('-', ' ')}` : '',
        t.max !== undefined ? `median ≤ ${formatMetricValue(t.max, unit)}` : '',
        t.min !== undefined ? `median ≥ ${formatMetricValue(t.min, unit)}` : '',
      ].filter(Boolean).join(', ');
      return [
        html`${t.workload} <span class="muted">[${t.evaluatedVariant ?? t.variant ?? 'last variant'}]</span> ${metricInfo(t.metric).label}<div class="muted small"><span class="mono">${t.metric}</span>${conditions ? ` · ${conditions}` : ''}</div>`,
        t.actual === null ? '—' : formatMetricValue(t.actual, unit),
        t.verdict ? verdictBadge(t.verdict as Verdict) : html`<span class="muted">—</span>`,
        t.detail,
        statusBadge(t.status),
      ];
    }), { rowClass: (i) => (results.thresholds[i]?.status === 'failed' ? 'fail' : '') }) : html`<p class="muted">The scenario sets no thresholds.</p>`}
</section>`;
}

function statusBadge(status: ThresholdResult['status'] | Expectation['status']): Html {
  if (status === 'passed') return badge('pass', 'ok');
  if (status === 'skipped') return badge('skipped', 'neutral');
  return badge('fail', 'bad');
}

export function rolloutSection(results: Results): Html {
  const r = results.rollout;
  const notes = results.rolloutNotes ?? [];
  return html`<section id="rollout" aria-labelledby="rollout-h">
<h2 id="rollout-h">Rollout artifacts</h2>
${r ? html`<p>What a node administrator applies so that the kubelet admits the recommended sysctls. Pods then set them in <code>spec.securityContext.sysctls</code> of their Deployment, StatefulSet or DaemonSet template.</p>
<h3>kubeadm kubelet drop-in (<code>/etc/sysconfig/kubelet</code> or <code>/etc/default/kubelet</code>)</h3>
<pre><code>${r.dropIn}</code></pre>
<p class="muted">Then <code>systemctl daemon-reload &amp;&amp; systemctl restart kubelet</code>, and check with <code>ps -ef | grep allowed-unsafe</code>.</p>
<h3>KubeletConfiguration</h3>
<pre><code>${r.kubeletConfiguration}</code></pre>
<h3>OpenShift / OKD KubeletConfig</h3>
<pre><code>${r.openshiftKubeletConfig}</code></pre>
<p class="muted">Label the worker MachineConfigPool to match the selector; applying it rolls the pool out and reboots its nodes.</p>` : html`<p class="muted">The run recorded no rollout artifacts.</p>`}
${notes.length ? html`<h3>What no kubelet allowlist changes</h3>
<ul>${notes.map((note) => html`<li><span class="muted small">${note.kind === 'pod-security' ? 'Pod Security' : 'set by the kubelet'}</span> ${note.message}${note.source ? html` <span class="muted small mono">${note.source}</span>` : ''}</li>`)}</ul>` : ''}
</section>`;
}

export function phaseSection(results: Results): Html {
  const longest = Math.max(1, ...results.phases.map((p) => p.durationMs));
  const total = results.phases.reduce((sum, p) => sum + p.durationMs, 0);
  const problems = results.problems;
  return html`<section id="phases" aria-labelledby="phases-h">
<h2 id="phases-h">Run timeline</h2>
<p>Run <span class="mono">${results.run.runId}</span>: started ${readableTime(results.run.startedAt)}, ${results.run.finishedAt ? `finished ${readableTime(results.run.finishedAt)}` : 'never finished'} (${results.run.status})${results.run.durationMs !== null ? `, ${formatDuration(results.run.durationMs)} in all` : ''}.</p>
${results.phases.length ? table(`Phases (${formatDuration(total)} recorded)`, [{ label: 'Phase' }, { label: 'Started' }, { label: 'Duration', numeric: true }, { label: 'Share' }, { label: 'Result' }],
    results.phases.map((p) => [
      html`${p.name}${p.detail ? html`<br><span class="muted">${p.detail}</span>` : ''}`,
      shortTime(p.startedAt),
      formatDuration(p.durationMs),
      html`<div class="bar${p.ok ? '' : ' failed'}" style="width: ${Math.max(1, Math.round((p.durationMs / longest) * 100))}%"></div>`,
      p.ok ? badge('ok', 'ok') : badge('failed', 'bad'),
    ])) : html`<p class="muted">No phase was recorded.</p>`}
${problems.length ? table('Errors and notes recorded during the run', [{ label: 'When' }, { label: 'Kind' }, { label: 'Phase' }, { label: 'Message' }],
    problems.map((p) => [shortTime(p.at), p.kind === 'error' ? badge('error', 'bad') : badge('note', 'neutral'), p.phase ?? '—', html`${p.message}${p.fix ? html`<br><span class="muted">fix: ${p.fix}</span>` : ''}`])) : ''}
${results.warnings.length ? html`<h3>Warnings while reading</h3><ul>${results.warnings.map((w) => html`<li class="mono">${w}</li>`)}</ul>` : ''}
</section>`;
}

export function trendSection(report: TrendReport, sink: ChartSink, thresholdMetrics: ReadonlySet<string> = new Set()): Html {
  const shown = report.trends.filter((t) => t.points.length >= 2);
  // Every metric of every workload would be dozens of charts: chart what changed or what a threshold names.
  const charted = shown.filter((t) => t.status === 'regression' || t.status === 'improvement' || thresholdMetrics.has(`${t.workload}\u0000${t.metric}`));
  const flagged = report.trends.filter((t) => t.status === 'regression' || t.status === 'improvement');
  const { settings, ignored } = report;
  const notCompared = [
    ignored.otherScenario ? `${ignored.otherScenario} of other scenarios` : '',
    ignored.otherDefinition ? `${ignored.otherDefinition} of an edited definition of this one` : '',
    ignored.unfinished ? `${ignored.unfinished} that did not finish` : '',
    ignored.noHash ? `${ignored.noHash} without a definition hash (written before it was recorded; rebuild them with sysctl-bench report)` : '',
  ].filter(Boolean);
  return html`<section id="trends" aria-labelledby="trends-h">
<h2 id="trends-h">Trends across runs</h2>
<p>This run against the last ${report.compared.length} finished runs of the same scenario definition (window ${settings.window}). For each metric, the earlier runs' medians give a band: their median ± ${settings.k} robust standard deviations (1.4826 × the median absolute deviation), as wide as the run-to-run noise was. A metric regressed when this run's median is outside the band on the worse side <em>and</em> this run's own 95% interval excludes the earlier runs' median. Fewer than ${settings.minRuns} earlier runs: charted, not judged. ${settings.failOnRegression ? 'The scenario fails on a regression.' : 'Regressions are reported; the scenario does not fail on them (spec.trends.failOnRegression).'}</p>
${notCompared.length ? html`<p class="muted">Not compared: ${notCompared.join('; ')}.</p>` : ''}
${flagged.length ? table('Metrics outside the band of earlier runs', [{ label: 'Metric' }, { label: 'Change' }, { label: 'This run', numeric: true }, { label: 'Band', numeric: true }, { label: 'Detail' }],
    flagged.map((t) => {
      const now = t.points.at(-1);
      return [
        metricName(t.label, t.metric, html`${t.workload} <span class="muted">[${t.variant}]</span>`),
        t.status === 'regression' ? badge('regression', settings.failOnRegression ? 'bad' : 'warn') : badge('improvement', 'ok'),
        now ? valueWithInterval(now.median, now.ciLow, now.ciHigh, t.unit) : '—',
        t.band ? formatMetricInterval(t.band.low, t.band.high, t.unit) : '—',
        t.detail,
      ];
    }), { rowClass: (i) => (flagged[i]?.status === 'regression' ? 'fail' : '') })
    : html`<p>${badge('no regression', 'ok')} ${report.trends.some((t) => t.band) ? 'Every judged metric stayed within the band of earlier runs.' : 'Not enough earlier runs of this scenario to judge yet.'}</p>`}
${charted.length ? html`<h3>Charts of the metrics outside the band or named by a threshold</h3><div class="charts wide">${charted.map((t) => {
    const spec = trendChart(t);
    sink(spec);
    return chartFigure(spec);
  })}</div>` : ''}
${shown.length ? html`<details><summary>Every metric against earlier runs (${shown.length})</summary>${table('Every tuned metric against the band of earlier runs', [{ label: 'Metric' }, { label: 'Status' }, { label: 'This run', numeric: true }, { label: 'Band', numeric: true }, { label: 'Runs', numeric: true }],
    shown.map((t) => {
      const now = t.points.at(-1);
      return [
        metricName(t.label, t.metric, html`${t.workload} <span class="muted">[${t.variant}]</span>`),
        t.status.replace('-', ' '),
        now ? valueWithInterval(now.median, now.ciLow, now.ciHigh, t.unit) : '—',
        t.band ? formatMetricInterval(t.band.low, t.band.high, t.unit) : '—',
        t.points.length - 1,
      ];
    }))}</details>` : html`<p class="muted">No earlier run of this scenario measured the same metrics.</p>`}
</section>`;
}

/** `2024-11-25T02:00:00.000Z` → `02:00:00 UTC`; the date is in the run line above. */
function shortTime(iso: string): string {
  const match = /T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} UTC` : iso;
}

export function readableTime(iso: string | null): string {
  if (!iso) return 'unknown';
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d)?(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

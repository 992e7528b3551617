import { isKernelMetric, KERNEL_COUNTERS } from '../../counters/catalogue.js';
import { formatNumber } from '../../results/format.js';
import { mechanismOf } from '../../results/mechanism.js';
import type { WorkloadPerformance } from '../../results/results.js';
import { badge, code, table } from './components.js';
import { html, type Html } from './escape.js';

/** The kernel counters a workload's verdicts cite (harness/results/mechanism.ts): always charted. */
export function citedKernelMetrics(workload: WorkloadPerformance): Set<string> {
  const variants = [...new Set(workload.comparisons.map((c) => c.variant))];
  return new Set(variants.flatMap((variant) => mechanismOf(workload.comparisons.filter((c) => c.variant === variant))?.metrics ?? []));
}

/**
 * What the kernel counted in the measured pods' own namespaces, repetition by repetition, for
 * every counter that moved in any of them; the rest were zero throughout and are listed by name.
 * Beneath, where each count was read: the pod, its node and the way in.
 */
export function kernelBlock(workload: WorkloadPerformance): Html {
  const kernel = workload.kernel;
  if (!kernel) return html``;
  const order = new Map(KERNEL_COUNTERS.map((counter, index) => [counter.metric, index]));
  const metrics = [...new Set(workload.comparisons.filter((c) => isKernelMetric(c.metric)).map((c) => c.metric))]
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const variants = [workload.baselineVariant, ...new Set(workload.comparisons.map((c) => c.variant))];
  const valuesOf = (metric: string, variant: string): number[] => {
    const comparison = workload.comparisons.find((c) => c.metric === metric && (variant === workload.baselineVariant || c.variant === variant));
    if (!comparison) return [];
    return variant === workload.baselineVariant ? comparison.baseline.values : comparison.tuned.values;
  };
  const moved = metrics.filter((metric) => variants.some((variant) => valuesOf(metric, variant).some((value) => value !== 0)));
  const still = metrics.filter((metric) => !moved.includes(metric));
  const cited = citedKernelMetrics(workload);
  const where = kernel.namespace === 'network'
    ? html`each pod's own network namespace, <span class="mono">/proc/&lt;pid&gt;/net/netstat</span> and <span class="mono">/proc/&lt;pid&gt;/net/snmp</span> of a process of its container, read through its node`
    : html`each pod's own IPC namespace, <span class="mono">/proc/sysvipc/*</span> read inside the pod`;
  const label = (metric: string) => workload.comparisons.find((c) => c.metric === metric)?.label ?? metric;
  return html`<h4>What the kernel counted</h4>
<p>Read from ${where}, before and after every repetition: each number is what one repetition added there. The machine's and the nodes' own namespaces are not read.${cited.size ? html` ${badge('cited', 'ok')} marks the counters the verdict cites: they separate the variants in every repetition.` : ''}</p>
${moved.length ? table(`${workload.workload}: kernel counters per measured repetition`, [{ label: 'Counter' }, ...variants.map((variant) => ({ label: variant, numeric: true }))],
    moved.map((metric) => [
      html`${label(metric)}${cited.has(metric) ? html` ${badge('cited', 'ok')}` : ''}<div class="muted small mono">${metric}</div>`,
      ...variants.map((variant) => valuesOf(metric, variant).map((value) => formatNumber(value)).join(' · ') || '—'),
    ])) : html`<p class="muted">No counter moved in any repetition.</p>`}
${still.length ? html`<p class="muted small">Zero in every repetition of every variant: ${still.map((metric, i) => html`${i ? ', ' : ''}${code(metric)}`)}.</p>` : ''}
<details><summary>Where the counters were read (${kernel.pods.length} pod${kernel.pods.length === 1 ? '' : 's'})</summary><ul>${kernel.pods.map((pod) => html`<li>${pod.variant}: pod <span class="mono">${pod.pod}</span> on node <span class="mono">${pod.node}</span>: ${pod.via}</li>`)}</ul></details>
${kernel.problems.length ? html`<p>${badge('incomplete', 'warn')} ${kernel.problems.join('; ')}</p>` : ''}`;
}

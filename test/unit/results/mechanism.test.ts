import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { median } from '../../../harness/stats/descriptive.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import type { Threshold } from '../../../harness/results/results.js';
import { fixtureRecords, scenarioOf } from './fixture.js';

let records: RawRecord[] = [];
let thresholds: Threshold[] = [];

beforeAll(async () => {
  records = await fixtureRecords();
  thresholds = thresholdsFromScenario(scenarioOf(records)).thresholds;
});

/** The recorded web repetitions' values of one metric for one variant (warm-up excluded), as the verdict sees them. */
function measured(all: RawRecord[], variant: string, metric: string): number[] {
  return all.flatMap((r) => (r.type === 'measurement' && r.workload === 'web' && r.variant === variant && !r.warmup && metric in r.metrics ? [r.metrics[metric]!] : []));
}

/** The recorded run with the given kernel counters of the web workload replaced (the other recorded ones kept). */
function replaced(all: RawRecord[], counters: (variant: string, repetition: number, metrics: Record<string, number>) => Record<string, number>): RawRecord[] {
  return all.map((r) => (r.type === 'measurement' && r.workload === 'web' ? { ...r, metrics: { ...r.metrics, ...counters(r.variant, r.repetition, r.metrics) } } : r));
}

function withKernel(counters: (variant: string, repetition: number) => Record<string, number>): RawRecord[] {
  return replaced(records, (variant, repetition) => counters(variant, repetition));
}

describe('the verdict names the mechanism the kernel counted', () => {
  it('cites the accept-queue overflows of baseline and tuned beside the client\'s improvement', () => {
    // What the recorded run's kernel counted: the listen queue overflowed in every baseline repetition
    // (median 7513, each one also a listener drop) and never with the tuned backlog.
    for (const metric of ['kernel_listen_overflows', 'kernel_listen_drops']) {
      expect(median(measured(records, 'baseline', metric))).toBe(7513);
      expect(Math.min(...measured(records, 'baseline', metric))).toBeGreaterThan(Math.max(...measured(records, 'tuned', metric)));
      expect(measured(records, 'tuned', metric)).toEqual([0, 0, 0, 0, 0]);
    }
    const results = aggregate(records, thresholds);
    const item = results.recommendation.rollOut.find((r) => r.workload === 'web');
    expect(item?.headline).toMatch(/^TCP connect time, 99th percentile .* — baseline: 7513 accept-queue overflows per repetition; tuned: 0$/);
    expect(item?.because).toMatch(/Mechanism: the kernel counted it in the pods' own network namespace \(median of the repetitions\): baseline: 7513 accept-queue overflows per repetition; tuned: 0; baseline: 7513 listener drops per repetition; tuned: 0\.$/);
    // At most two, in the catalogue's order: the SYN cookies and SYN retransmissions also separated the variants but are not cited.
    expect(median(measured(records, 'baseline', 'kernel_syncookies_sent'))).toBe(965);
    expect(item?.because).not.toContain('SYN cookies');
    expect(results.recommendation.summary).toContain('baseline: 7513 accept-queue overflows per repetition; tuned: 0');
  });

  it('cites the next counters in the catalogue\'s order when the accept queue never overflowed', () => {
    // A server whose accept queue kept up but whose SYN queue did not: the SYN cookies come first.
    const results = aggregate(replaced(records, () => ({ kernel_listen_overflows: 0, kernel_listen_drops: 0 })), thresholds);
    const retransmits = median(measured(records, 'baseline', 'kernel_syn_retransmits'));
    expect(retransmits).toBeGreaterThan(0);
    const item = results.recommendation.rollOut.find((r) => r.workload === 'web');
    expect(item?.headline).toMatch(/ — baseline: 965 SYN cookies sent per repetition; tuned: 0$/);
    expect(item?.because).toContain(`Mechanism: the kernel counted it in the pods' own network namespace (median of the repetitions): baseline: 965 SYN cookies sent per repetition; tuned: 0; baseline: ${retransmits} SYN/SYN-ACK retransmissions per repetition; tuned: 0.`);
    expect(item?.because).not.toContain('accept-queue');
  });

  it('never lets a kernel counter decide: one that rose is no veto, one that fell alone is no improvement', () => {
    const rose = aggregate(withKernel((variant, rep) => ({ kernel_segments_retransmitted: variant === 'tuned' ? 900 + rep : 10 + rep })), thresholds);
    expect(rose.performance.find((w) => w.workload === 'web')?.comparisons.find((c) => c.metric === 'kernel_segments_retransmitted')?.verdict).toBe('regressed');
    expect(rose.recommendation.rollOut.map((r) => r.workload)).toContain('web');

    // The client saw nothing change: the kernel's difference is reported, not recommended on.
    // The recorded run's kernel counters, with nothing the client measured: reported, not recommended on.
    const flat = records.map((r) => (
      r.type === 'measurement' && r.workload === 'web' ? { ...r, metrics: Object.fromEntries(Object.entries(r.metrics).filter(([name]) => name.startsWith('kernel_'))) } : r));
    const item = aggregate(flat, thresholds).recommendation.doNotRollOut.find((r) => r.workload === 'web');
    expect(item?.headline).toBe('no detectable change — baseline: 7513 accept-queue overflows per repetition; tuned: 0');
    expect(item?.because).toMatch(/The kernel did count a difference: .*baseline: 7513 accept-queue overflows/);
  });

  it('cites nothing where the variants overlap', () => {
    // The recorded counters with every other repetition's baseline and tuned values swapped: each
    // counter still differs by thousands between repetitions, but neither variant is always lower.
    const kernelOf = (variant: string, repetition: number) => {
      const record = records.find((r) => r.type === 'measurement' && r.workload === 'web' && r.variant === variant && r.repetition === repetition);
      return record?.type === 'measurement' ? Object.fromEntries(Object.entries(record.metrics).filter(([name]) => name.startsWith('kernel_'))) : {};
    };
    const overlapping = replaced(records, (variant, repetition, metrics) => (repetition % 2 === 1
      ? kernelOf(variant === 'tuned' ? 'baseline' : 'tuned', repetition)
      : Object.fromEntries(Object.entries(metrics).filter(([name]) => name.startsWith('kernel_')))));
    expect(measured(overlapping, 'baseline', 'kernel_listen_overflows')).toContain(0);
    expect(Math.max(...measured(overlapping, 'tuned', 'kernel_listen_overflows'))).toBeGreaterThan(7000);
    const item = aggregate(overlapping, thresholds).recommendation.rollOut.find((r) => r.workload === 'web');
    // The client's improvement still stands; the kernel explains nothing here, so nothing is cited.
    expect(item?.headline).toMatch(/^TCP connect time/);
    expect(item?.headline).not.toContain(' — baseline:');
    expect(item?.because).not.toContain('Mechanism');
  });

  it('lets a threshold name a kernel counter', () => {
    const results = aggregate(withKernel((variant, rep) => ({ kernel_listen_overflows: variant === 'tuned' ? 0 : 420 + rep })), [
      { workload: 'web', metric: 'kernel_listen_overflows', expect: 'improved' },
      { workload: 'web', metric: 'kernel_listen_overflows', max: 0 },
    ]);
    expect(results.thresholds.map((t) => [t.metric, t.passed])).toEqual([['kernel_listen_overflows', true], ['kernel_listen_overflows', true]]);
  });
});

describe('the report shows what the kernel counted, per repetition, and where', () => {
  it('lists each counter that moved with every repetition of baseline and tuned, the cited ones marked, and the pods it was read from', () => {
    const kernel = { namespace: 'network' as const, pods: [{ pod: 'web-pod', node: 'node-a', via: '/proc/<pid>/net/{netstat,snmp} through docker exec on node node-a', pid: 4242 }] };
    const changed = withKernel((variant, rep) => ({ kernel_listen_overflows: variant === 'tuned' ? 0 : 420 + rep, kernel_syn_queue_drops: 0 }))
      .map((r) => (r.type === 'measurement' && r.workload === 'web' ? { ...r, kernel } : r));
    const results = aggregate(changed, thresholds);
    const web = results.performance.find((w) => w.workload === 'web');
    expect(web?.kernel).toEqual({ namespace: 'network', pods: [{ variant: 'baseline', pod: 'web-pod', node: 'node-a', via: kernel.pods[0]?.via }, { variant: 'tuned', pod: 'web-pod', node: 'node-a', via: kernel.pods[0]?.via }], problems: [] });
    const page = renderHtml({ results, chartJs: '/* chart.js */' });
    const block = page.slice(page.indexOf('What the kernel counted'));
    const baseline = changed.filter((r) => r.type === 'measurement' && r.workload === 'web' && r.variant === 'baseline' && !r.warmup)
      .map((r) => (r.type === 'measurement' ? r.metrics.kernel_listen_overflows : 0));
    expect(block).toContain(baseline.join(' · '));
    expect(block).toMatch(/kernel_listen_overflows/);
    expect(block).toMatch(/cited/);
    expect(block).toContain('Zero in every repetition of every variant: <code>kernel_syn_queue_drops</code>');
    expect(block).toContain('pod <span class="mono">web-pod</span> on node <span class="mono">node-a</span>');
    expect(block).toMatch(/own network namespace/);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import type { Threshold } from '../../../harness/results/results.js';
import { fixtureRecords, scenarioOf } from './fixture.js';

let records: RawRecord[] = [];
let thresholds: Threshold[] = [];

beforeAll(async () => {
  records = await fixtureRecords();
  thresholds = thresholdsFromScenario(scenarioOf(records)).thresholds;
});

/** The fixture's net-backlog measurements with kernel counters of the server pod added per repetition. */
function withKernel(counters: (variant: string, repetition: number) => Record<string, number>): RawRecord[] {
  return records.map((r) => (r.type === 'measurement' && r.workload === 'web'
    ? { ...r, metrics: { ...r.metrics, ...counters(r.variant, r.repetition) } }
    : r));
}

describe('the verdict names the mechanism the kernel counted', () => {
  it('cites the accept-queue overflows of baseline and tuned beside the client\'s improvement', () => {
    const results = aggregate(withKernel((variant, rep) => ({
      kernel_listen_overflows: variant === 'tuned' ? 0 : 420 + rep,
      kernel_syn_retransmits: variant === 'tuned' ? 0 : 800 + rep,
      kernel_connections_accepted: 1500,
    })), thresholds);
    const item = results.recommendation.rollOut.find((r) => r.workload === 'web');
    expect(item?.headline).toMatch(/ — baseline: 42\d accept-queue overflows per repetition; tuned: 0$/);
    expect(item?.because).toMatch(/Mechanism: the kernel counted it in the pods' own network namespace \(median of the repetitions\): baseline: 42\d accept-queue overflows per repetition; tuned: 0; baseline: 80\d SYN\/SYN-ACK retransmissions per repetition; tuned: 0\./);
    expect(results.recommendation.summary).toContain('accept-queue overflows per repetition');
  });

  it('never lets a kernel counter decide: one that rose is no veto, one that fell alone is no improvement', () => {
    const rose = aggregate(withKernel((variant, rep) => ({ kernel_segments_retransmitted: variant === 'tuned' ? 900 + rep : 10 + rep })), thresholds);
    expect(rose.performance.find((w) => w.workload === 'web')?.comparisons.find((c) => c.metric === 'kernel_segments_retransmitted')?.verdict).toBe('regressed');
    expect(rose.recommendation.rollOut.map((r) => r.workload)).toContain('web');

    // The client saw nothing change: the kernel's difference is reported, not recommended on.
    const flat = withKernel((variant, rep) => ({ kernel_listen_overflows: variant === 'tuned' ? 0 : 420 + rep })).map((r) => (
      r.type === 'measurement' && r.workload === 'web' ? { ...r, metrics: Object.fromEntries(Object.entries(r.metrics).filter(([name]) => name.startsWith('kernel_'))) } : r));
    const item = aggregate(flat, thresholds).recommendation.doNotRollOut.find((r) => r.workload === 'web');
    expect(item?.headline).toMatch(/^no detectable change — baseline: 42\d accept-queue overflows per repetition; tuned: 0$/);
    expect(item?.because).toMatch(/The kernel did count a difference: .*baseline: 42\d accept-queue overflows/);
  });

  it('cites nothing where the variants overlap', () => {
    const results = aggregate(withKernel((variant, rep) => ({ kernel_listen_overflows: rep % 2 === 0 ? 10 : 0 })), thresholds);
    const item = results.recommendation.rollOut.find((r) => r.workload === 'web');
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

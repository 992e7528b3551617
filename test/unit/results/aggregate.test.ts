import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { RawRecord } from '../../../harness/results/raw.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import type { Threshold } from '../../../harness/results/results.js';
import { fixtureRecords, scenarioOf } from './fixture.js';

let records: RawRecord[];
let thresholds: Threshold[];

beforeAll(async () => {
  records = await fixtureRecords();
  thresholds = thresholdsFromScenario(scenarioOf(records)).thresholds;
});

describe('aggregate on the recorded run of the default suite', () => {
  it('passes every expectation and exits 0', () => {
    const results = aggregate(records, thresholds);
    expect(results).toMatchObject({ schemaVersion: 1, schemaMinor: 3, trends: null });
    expect(results.outcome).toMatchObject({ exitCode: 0, status: 'passed', failed: [] });
    expect(results.run).toMatchObject({ status: 'completed', scenario: { name: 'default', file: 'scenarios/default.yaml' } });
    expect(results.run.scenario.definitionHash).toMatch(/^[0-9a-f]{16}$/);
    expect(results.expectations.every((e) => e.status === 'passed' && e.passed)).toBe(true);
    expect(results.rollout?.dropIn).toContain('--allowed-unsafe-sysctls=');
  });

  it('compares measured repetitions only, and finds connect p99 improved', () => {
    const results = aggregate(records, thresholds);
    const net = results.performance.find((w) => w.workload === 'web');
    expect(net?.baselineVariant).toBe('baseline');
    expect(net?.variants.map((v) => [v.variant, v.repetitions, v.warmups])).toEqual([['baseline', 5, 1], ['tuned', 5, 1]]);
    const p99 = net?.comparisons.find((c) => c.metric === 'connect_p99_ms');
    expect(p99?.baseline.repetitions).toEqual([1, 2, 3, 4, 5]);
    expect(p99?.verdict).toBe('improved');
    expect(p99?.baseline.median).toBeGreaterThan(1900);
    expect(p99?.tuned.median).toBeLessThan(400);
    expect(p99?.difference.ci.high).toBeLessThan(0);
    const tunedConnect = net?.distributions.find((d) => d.variant === 'tuned' && d.metric === 'connect_ms');
    const baselineConnect = net?.distributions.find((d) => d.variant === 'baseline' && d.metric === 'connect_ms');
    // One raw connect time per connection that made it (loadgen keeps up to 2,000 a repetition).
    const connected = (variant: string) => records.reduce((sum, r) => sum + (r.type === 'measurement' && r.workload === 'web' && r.variant === variant && !r.warmup ? r.metrics.connected ?? 0 : 0), 0);
    expect(tunedConnect).toMatchObject({ n: connected('tuned'), repetitions: 5 });
    expect(baselineConnect?.n).toBe(connected('baseline'));
    expect(baselineConnect!.n).toBeLessThan(tunedConnect!.n);
    const p99Of = (d: typeof tunedConnect) => d?.points.find((p) => p.p === 99);
    expect(p99Of(tunedConnect)!.ciLow).toBeLessThanOrEqual(p99Of(tunedConnect)!.ciHigh);
    // The interval across repetitions separates the two tails.
    expect(p99Of(tunedConnect)!.ciHigh).toBeLessThan(p99Of(baselineConnect)!.ciLow);
    expect(net?.series).toHaveLength(10);
    expect(Object.keys(net?.series[0]?.series.values ?? {})).toEqual(['completed', 'errors', 'total_p99_ms']);
  });

  it('finds no detectable change where the samples overlap', () => {
    const ipc = aggregate(records, thresholds).performance.find((w) => w.workload === 'ipc');
    expect(ipc?.comparisons.find((c) => c.metric === 'msg_4096_ops_per_s')?.verdict).toBe('no-detectable-change');
    expect(ipc?.comparisons.find((c) => c.metric === 'msg_16384_errors')?.verdict).toBe('improved');
    expect(ipc?.variants.find((v) => v.variant === 'tuned')?.sysctls).toEqual({ 'kernel.msgmax': '65536', 'kernel.msgmnb': '131072', 'kernel.sem': '32000  1024000000  10000  32000' });
  });

  it('lists every admission case, isolation proof and threshold as one expectation', () => {
    const results = aggregate(records, thresholds);
    const byCategory = (c: string) => results.expectations.filter((e) => e.category === c).length;
    expect(byCategory('admission')).toBe(results.admission.total);
    expect(byCategory('isolation')).toBe(results.isolation.length);
    expect(byCategory('threshold')).toBe(3);
    const forbidden = results.admission.cases.find((c) => c.pool === 'strict' && c.variant === 'unsafe');
    expect(forbidden?.observed).toMatchObject({ outcome: 'forbidden', reason: 'SysctlForbidden', podPhase: 'Failed' });
    expect(forbidden?.observed.message).toBe('Pod was rejected: forbidden sysctl: "net.core.somaxconn" not allowlisted');
    // The API server does not check sysctl values: kernel.sem with two spaces is admitted.
    expect(results.admission.cases.find((c) => c.workload === 'ipc' && c.variant === 'tuned')?.observed.outcome).toBe('admitted');
  });

  it('recommends the improving tunings and advises against rejected ones, in one paragraph', () => {
    const { recommendation } = aggregate(records, thresholds);
    expect(recommendation.rollOut.map((r) => r.workload)).toEqual(['web', 'ipc']);
    expect(recommendation.doNotRollOut.map((r) => [r.workload, r.variant])).toEqual([['strict-net', 'safe'], ['strict-net', 'unsafe']]);
    expect(recommendation.summary).toMatch(/^Roll out net\.core\.somaxconn=4096, net\.ipv4\.tcp_max_syn_backlog=4096 for web: TCP connect time, 99th percentile/);
    expect(recommendation.summary).not.toContain('\n');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(aggregate(records, thresholds))).toBe(JSON.stringify(aggregate(records, thresholds)));
  });
});

describe('aggregate outcomes', () => {
  it('exits 1 and lists the failure when a threshold is missed', () => {
    const strict: Threshold[] = [...thresholds, { workload: 'web', metric: 'connect_p99_ms', max: 100 }];
    const results = aggregate(records, strict);
    expect(results.outcome.exitCode).toBe(1);
    expect(results.outcome.failed).toEqual(['threshold/web/tuned/connect_p99_ms']);
    expect(results.thresholds.at(-1)?.detail).toMatch(/^median \d+ ms > max 100 ms$/);
  });

  it('evaluates expect: improved / not-regressed / regressed on the verdict', () => {
    const results = aggregate(records, [
      { workload: 'ipc', metric: 'msg_4096_ops_per_s', expect: 'improved' },
      { workload: 'ipc', metric: 'msg_4096_ops_per_s', expect: 'not-regressed' },
      { workload: 'web', metric: 'connect_p99_ms', expect: 'regressed' },
      { workload: 'web', metric: 'connect_p99_ms', variant: 'baseline', max: 2500 },
    ]);
    expect(results.thresholds.map((t) => [t.id, t.passed])).toEqual([
      ['threshold/ipc/tuned/msg_4096_ops_per_s', false],
      ['threshold/ipc/tuned/msg_4096_ops_per_s', true],
      ['threshold/web/tuned/connect_p99_ms', false],
      ['threshold/web/baseline/connect_p99_ms', true],
    ]);
    expect(results.thresholds[0]?.detail).toMatch(/^expected improved against baseline, verdict is no detectable change \(p = /);
  });

  it('exits 1 when the kubelet did something else than predicted', () => {
    const changed = records.map((r) => (r.type === 'admission' && r.pool === 'net' && r.variant === 'tuned'
      ? { ...r, observed: { outcome: 'forbidden' as const, reason: 'SysctlForbidden' }, match: false }
      : r));
    const results = aggregate(changed, thresholds);
    expect(results.outcome.exitCode).toBe(1);
    expect(results.outcome.failed).toEqual(['admission/web/tuned/net']);
    expect(results.recommendation.doNotRollOut.some((r) => r.workload === 'web')).toBe(true);
  });

  it('does not veto a tuning for slower successful requests when it also fails fewer of them', () => {
    // As measured on kind: with a short accept queue the baseline drops 425 of 1500 requests;
    // the tuned server serves them all, and the ones it now serves waited in its queue.
    const net = (r: RawRecord) => r.type === 'measurement' && r.workload === 'web' && !r.warmup;
    const changed = records.map((r) => {
      if (!net(r) || r.type !== 'measurement') return r;
      const tuned = r.variant === 'tuned';
      return { ...r, metrics: { ...r.metrics, errors: tuned ? 0 : 400 + r.repetition, total_p50_ms: tuned ? 2390 + r.repetition : 2250 + r.repetition } };
    });
    const results = aggregate(changed, thresholds);
    const comparisons = results.performance.find((w) => w.workload === 'web')?.comparisons ?? [];
    expect(comparisons.find((c) => c.metric === 'total_p50_ms')?.verdict).toBe('regressed');
    expect(comparisons.find((c) => c.metric === 'errors')?.verdict).toBe('improved');
    const item = results.recommendation.rollOut.find((r) => r.workload === 'web');
    expect(item?.because).toMatch(/rose, but over successful requests only/);

    // Without fewer failures, the same rise is a regression and vetoes the tuning.
    const slowerOnly = changed.map((r) => (net(r) && r.type === 'measurement' ? { ...r, metrics: { ...r.metrics, errors: 0, error_rate: 0 } } : r));
    const vetoed = aggregate(slowerOnly, thresholds).recommendation.doNotRollOut.find((r) => r.workload === 'web');
    expect(vetoed?.headline).toMatch(/got worse/);
  });

  it('fails a threshold whose metric was never measured', () => {
    const results = aggregate(records, [{ workload: 'nope', metric: 'rps', variant: 'tuned', min: 1 }]);
    expect(results.thresholds[0]?.detail).toContain('no measurement of rps for nope');
    expect(results.thresholds[0]).toMatchObject({ passed: false, status: 'failed', actual: null });
  });

  it('exits 3 when the run was killed (no run-finished), giving the reason', () => {
    // Killed right after the cluster was deleted: everything measured, no host check, report or run-finished.
    const cut = records.findIndex((r) => r.type === 'phase' && r.name === 'cluster-delete');
    expect(cut).toBeGreaterThan(0);
    const killed = records.slice(0, cut + 1);
    expect(killed.some((r) => r.type === 'run-finished')).toBe(false);
    const results = aggregate(killed, thresholds);
    expect(results.outcome).toMatchObject({ exitCode: 3, status: 'cannot-run' });
    expect(results.outcome.reason).toMatch(/did not finish.*last recorded phase: cluster-delete/);
    expect(results.run.status).toBe('unfinished');
    expect(results.recommendation.summary).toMatch(/^The run could not be carried out/);
    // Nothing is recommended from an unfinished run; what looked good is kept as partial evidence.
    expect(results.recommendation.rollOut).toEqual([]);
    expect(results.recommendation.doNotRollOut[0]).toMatchObject({ workload: 'web', headline: 'the run did not finish' });
  });

  it('skips, with the reason, what a run killed during the load never measured, under the same names as a complete run', () => {
    const complete = aggregate(records, thresholds);
    // Killed in the middle of the IPC measurements: the web burst is done, the sem test never ran.
    const cut = records.findIndex((r) => r.type === 'measurement' && r.workload === 'ipc' && 'sem_1000_errors' in r.metrics);
    const killed = aggregate(records.slice(0, cut), thresholds);
    expect(killed.outcome.exitCode).toBe(3);
    const names = (list: typeof complete.expectations) => list.map((e) => `${e.id} ${e.name}`).sort();
    expect(names(killed.expectations)).toEqual(names(complete.expectations));
    const byId = new Map(killed.expectations.map((e) => [e.id, e]));
    expect(byId.get('threshold/web/tuned/connect_p99_ms')).toMatchObject({ status: 'passed' });
    expect(byId.get('threshold/ipc/tuned/sem_1000_errors')).toMatchObject({
      status: 'skipped', passed: false, name: 'ipc [tuned] sem_1000_errors improved',
      detail: 'not measured: the run did not finish before sem_1000_errors for ipc [tuned] was measured against a baseline',
    });
    expect(byId.get('isolation/namespaced-differs/net.core.somaxconn/web')).toMatchObject({ status: 'skipped', detail: 'not carried out: the run did not finish' });
    expect(byId.get('isolation/host-proc-unchanged/*')).toMatchObject({ status: 'skipped' });
    expect(killed.outcome.failed).toEqual([]);
  });

  it('calls a variant admitted but never measured exactly that, not rejected', () => {
    const cut = records.filter((r) => !(r.type === 'measurement' && r.workload === 'ipc' && r.variant === 'tuned'));
    const item = aggregate(cut, thresholds).recommendation.doNotRollOut.find((r) => r.workload === 'ipc');
    expect(item?.headline).toBe('admitted but never measured');
  });

  it('exits 3 when the run failed before measuring, citing the error', () => {
    const early: RawRecord[] = [
      ...records.filter((r) => r.type === 'run-started' || (r.type === 'phase' && r.name === 'plan')),
      { type: 'phase', name: 'cluster-create', startedAt: '2024-11-25T02:00:01Z', durationMs: 9000, ok: false },
      { type: 'error', at: '2024-11-25T02:00:10Z', phase: 'cluster-create', message: 'kind create cluster: exit 1' },
      { type: 'run-finished', finishedAt: '2024-11-25T02:00:11Z', status: 'failed' },
    ];
    const results = aggregate(early, thresholds);
    expect(results.outcome.exitCode).toBe(3);
    expect(results.outcome.reason).toBe('the run failed before any measurement: cluster-create: kind create cluster: exit 1');
    expect(results.problems).toHaveLength(1);
  });

  it('exits 1 when the run failed after measuring, and judges what was measured', () => {
    const late = [...records.filter((r) => r.type !== 'run-finished'), { type: 'run-finished' as const, finishedAt: '2024-11-25T03:00:00Z', status: 'interrupted' as const, reason: 'SIGINT' }];
    const results = aggregate(late, thresholds);
    expect(results.outcome.exitCode).toBe(1);
    expect(results.outcome.failed).toEqual(['run/completed']);
    expect(results.performance).toHaveLength(2);
    // Everything was measured before the interruption: nothing is skipped.
    expect(results.expectations.filter((e) => e.status === 'skipped')).toEqual([]);
  });

  it('exits 3 on an empty file', () => {
    expect(aggregate([], []).outcome).toMatchObject({ exitCode: 3, reason: 'the raw results hold no run-started record' });
  });

  it('exits 3 with the error when the run died before run-started', () => {
    const results = aggregate([
      { type: 'phase', name: 'toolchain', startedAt: '2024-11-25T02:00:00Z', durationMs: 500, ok: false, detail: 'docker: not found' },
      { type: 'error', at: '2024-11-25T02:00:01Z', message: 'docker: not found' },
      { type: 'run-finished', finishedAt: '2024-11-25T02:00:02Z', status: 'failed', reason: 'docker: not found' },
    ], []);
    expect(results.outcome.reason).toBe('the raw results hold no run-started record; docker: not found');
  });

  it('takes the baseline from the scenario (its first variant), not from names', () => {
    const renamed = records.map((r) => {
      if (r.type === 'run-started') {
        const definition = structuredClone(r.scenario.definition) as { spec: { workloads: { name: string; variants: { name: string }[] }[] } };
        for (const w of definition.spec.workloads) w.variants = [...w.variants].reverse();
        return { ...r, scenario: { ...r.scenario, definition } };
      }
      return r;
    });
    const net = aggregate(renamed, []).performance.find((w) => w.workload === 'web');
    expect(net?.baselineVariant).toBe('tuned');
    expect(net?.comparisons.find((c) => c.metric === 'connect_p99_ms')?.verdict).toBe('regressed');
  });
});

describe('thresholds from the scenario', () => {
  it('reads per-workload maps and a top-level list, and warns about the rest', () => {
    const read = thresholdsFromScenario({
      spec: { thresholds: [{ workload: 'w', metric: 'connect_p99_ms', expect: 'improved' }] },
      thresholds: [{ workload: 'a', metric: 'rps', min: 10, variant: 'tuned-2' }, { metric: 'x' }],
      workloads: [{ name: 'b', thresholds: { errors: { max: 0, mustImprove: true } } }, { name: 'c', thresholds: [{ metric: 'rps', min: 5 }] }],
    });
    expect(read.thresholds).toEqual([
      { workload: 'w', metric: 'connect_p99_ms', expect: 'improved' },
      { workload: 'a', metric: 'rps', variant: 'tuned-2', min: 10 },
      { workload: 'b', metric: 'errors', expect: 'improved', max: 0 },
      { workload: 'c', metric: 'rps', min: 5 },
    ]);
    expect(read.warnings).toEqual(['scenario thresholds[1] ignored: workload: Invalid input: expected string, received undefined']);
    expect(thresholdsFromScenario(undefined).thresholds).toEqual([]);
  });
});

describe('what a threshold without a variant is about', () => {
  it('names the workload\'s last variant in the scenario, whatever was measured', () => {
    const read = thresholdsFromScenario({
      spec: {
        workloads: [{ name: 'web', variants: [{ name: 'baseline' }, { name: 'tuned' }] }, { name: 'srv', variants: [{ name: 'only' }] }],
        load: [{ workload: 'srv', clientVariants: [{ name: 'narrow' }, { name: 'wide' }] }],
        thresholds: [{ workload: 'web', metric: 'errors', expect: 'not-regressed' }, { workload: 'srv', metric: 'port_exhaustion', expect: 'improved' }],
      },
    });
    expect(read.thresholds.map((t) => t.variant)).toEqual(['tuned', 'wide']);
  });
});


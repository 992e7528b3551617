import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MeasurementSchema } from '../../../harness/results/raw.js';
import { histogramOf, mergeHistograms, percentileMs } from '../../../harness/load/histogram.js';
import { commonLoadMetrics, latencyMetrics } from '../../../harness/load/metrics.js';
import { capSamples, mergeLoadSummaries, parseLoadSummary, toMeasurement, type LoadSummary } from '../../../harness/load/summary.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseLoadSummary', () => {
  it('parses a real burst summary from loadgen', () => {
    const summary = parseLoadSummary(fixture('burst-summary.json'));
    expect(summary.config.mode).toBe('burst');
    expect(summary.requests).toBe(200);
    expect(summary.completed + summary.errors).toBe(summary.requests);
    expect(summary.errors_by_class.timeout).toBe(summary.errors);
    expect(summary.samples.connect_ms).toHaveLength(50);
  });

  it('parses a real rate summary from loadgen', () => {
    const summary = parseLoadSummary(fixture('rate-summary.json'));
    expect(summary.config.mode).toBe('rate');
    expect(summary.config.rate).toBe(50);
    expect(summary.dropped).toBe(0);
    expect(summary.series.reduce((n, row) => n + row.completed, 0)).toBe(100);
  });

  it('takes the last JSON line when something else was printed before it', () => {
    const summary = parseLoadSummary(`warning: something\n${fixture('rate-summary.json')}\n`);
    expect(summary.completed).toBe(100);
  });

  it('names what is missing when the shape changed', () => {
    const broken = JSON.parse(fixture('rate-summary.json')) as Record<string, unknown>;
    delete broken.connect_ms;
    expect(() => parseLoadSummary(JSON.stringify(broken))).toThrow(/connect_ms/);
  });

  it('fails clearly on output with no summary', () => {
    expect(() => parseLoadSummary('loadgen: --target is required\n')).toThrow(/no JSON summary/);
    expect(() => parseLoadSummary('{not json')).toThrow(/not JSON/);
  });
});

describe('toMeasurement', () => {
  it('maps a summary to flat metrics, samples and a series', () => {
    const summary = parseLoadSummary(fixture('burst-summary.json'));
    const m = toMeasurement(summary);
    expect(Object.keys(m.metrics).sort()).toEqual([...commonLoadMetrics].sort());
    expect(m.metrics.connect_p50_ms).toBe(summary.connect_ms.p50);
    expect(m.metrics.connect_p99_ms).toBe(summary.connect_ms.p99);
    expect(m.metrics.total_p99_ms).toBe(summary.total_ms.p99);
    // Recorded against net-server with BACKLOG=16 and ACCEPT_RATE=500: some connects wait for a
    // SYN retransmission and some requests time out after the handshake.
    expect(m.metrics.errors).toBe(summary.errors);
    expect(m.metrics.errors).toBeGreaterThan(0);
    expect(m.metrics.error_rate).toBeCloseTo(summary.errors / 200, 10);
    expect(m.metrics.timeouts).toBe(summary.errors_by_class.timeout);
    expect(m.metrics.port_exhaustion).toBe(0);
    expect(m.metrics.completed).toBe(summary.completed);
    expect(m.metrics.rps).toBe(summary.rps);
    expect(m.samples.connect_ms).toEqual(summary.samples.connect_ms);
    expect(m.series.t).toEqual(summary.series.map((_, i) => i));
    expect(m.series.values.completed).toEqual(summary.series.map((row) => row.completed));
    expect(m.series.values.errors?.reduce((a, b) => a + b, 0)).toBe(summary.errors);
    expect(m.series.values.total_p99_ms).toEqual(summary.series.map((row) => row.p99_total_ms));
    expect(m.generator.saturated).toBe(false);
    expect(m.generator.droppedIterations).toBe(0);
    expect(m.generator.cpuPercent).toBeCloseTo(summary.cpu.cores_used * 100, 5);
    expect(m.generator.shards).toEqual([expect.objectContaining({ index: 0, count: 1, saturated: false })]);
  });

  it('fits the raw results contract', () => {
    const m = toMeasurement(parseLoadSummary(fixture('rate-summary.json')));
    const record = { type: 'measurement', workload: 'net-backlog', variant: 'tuned', repetition: 0, warmup: false, kind: 'load', ...m };
    expect(MeasurementSchema.safeParse(record).success).toBe(true);
  });

  it('has an error rate of 0, not NaN, when nothing was attempted', () => {
    const summary = parseLoadSummary(fixture('rate-summary.json'));
    const empty = { ...summary, requests: 0, completed: 0, errors: 0 } satisfies LoadSummary;
    expect(toMeasurement(empty).metrics.error_rate).toBe(0);
  });

  it('caps the connect samples', () => {
    const summary = parseLoadSummary(fixture('burst-summary.json'));
    expect(toMeasurement(summary, 10).samples.connect_ms).toHaveLength(10);
  });
});

describe('capSamples', () => {
  it('keeps short lists whole and picks evenly from long ones, in order', () => {
    expect(capSamples([3, 1, 2], 5)).toEqual([3, 1, 2]);
    const long = Array.from({ length: 10_000 }, (_, i) => i);
    const capped = capSamples(long, 2000);
    expect(capped).toHaveLength(2000);
    expect(capped[0]).toBe(0);
    expect(capped[1]).toBe(5);
    expect(capped.at(-1)).toBe(9995);
    expect(capSamples(long, 0)).toEqual([]);
  });
});

const fixtures = ['burst-summary.json', 'rate-summary.json', 'keepalive-rate-summary.json', 'ramp-shard0-summary.json', 'ramp-shard1-summary.json'];

describe('Go and TypeScript read one histogram alike', () => {
  it.each(fixtures)('%s: the percentiles loadgen printed are those of its histograms', (name) => {
    const s = parseLoadSummary(fixture(name));
    const h = s.histograms;
    const pairs = [[s.connect_ms, h.connect_us], [s.total_ms, h.total_us], [s.waiting_ms, h.waiting_us], [s.receiving_ms, h.receiving_us], [s.latency_ms, h.latency_us]] as const;
    for (const [dist, histogram] of pairs) {
      expect(dist.count).toBe(histogram.count);
      expect([dist.p50, dist.p90, dist.p95, dist.p99]).toEqual([50, 90, 95, 99].map((p) => percentileMs(histogram, p)));
      expect(dist.max).toBe(histogram.maxUs / 1000);
    }
    for (const row of s.series) expect(row.p99_total_ms).toBe(percentileMs(row.total_us, 99));
    const m = toMeasurement(s);
    expect(m.metrics.connect_p99_ms).toBe(s.connect_ms.p99);
    expect(m.metrics.total_p99_ms).toBe(s.total_ms.p99);
    expect(m.metrics.waiting_p50_ms).toBe(s.waiting_ms.p50);
  });

  it('has latency from the scheduled time only for open models', () => {
    expect(toMeasurement(parseLoadSummary(fixture('burst-summary.json'))).metrics.latency_p99_ms).toBeUndefined();
    const keepalive = parseLoadSummary(fixture('keepalive-rate-summary.json'));
    const m = toMeasurement(keepalive);
    expect(Object.keys(m.metrics)).toEqual(expect.arrayContaining([...latencyMetrics, 'reconnects']));
    // Recorded against net-server stalling 300 ms a second over 2 kept-alive connections at 100/s:
    // the arrivals queued behind the stall wait, which service time does not show.
    expect(m.metrics.latency_p90_ms).toBeGreaterThan(m.metrics.total_p90_ms);
    expect(m.metrics.latency_max_ms).toBeGreaterThanOrEqual(m.metrics.total_max_ms);
    expect(m.series.values.latency_p99_ms).toHaveLength(m.series.t.length);
  });
});

describe('mergeLoadSummaries', () => {
  const shard0 = parseLoadSummary(fixture('ramp-shard0-summary.json'));
  const shard1 = parseLoadSummary(fixture('ramp-shard1-summary.json'));

  it('adds the counts and merges the histograms exactly', () => {
    const merged = mergeLoadSummaries([shard1, shard0]);
    expect(merged.shards.map((s) => s.index)).toEqual([0, 1]);
    expect(merged.requests).toBe(shard0.requests + shard1.requests);
    expect(merged.planned).toBe(100);
    expect(merged.errorsByClass.timeout).toBe(shard0.errors_by_class.timeout + shard1.errors_by_class.timeout);
    expect(merged.histograms.total).toEqual(mergeHistograms([shard0.histograms.total_us, shard1.histograms.total_us]));
    expect(merged.histograms.total.count).toBe(shard0.completed + shard1.completed);
    expect(merged.histograms.total.sumUs).toBe(shard0.histograms.total_us.sumUs + shard1.histograms.total_us.sumUs);
    expect(merged.series.reduce((n, row) => n + row.completed, 0)).toBe(merged.completed);
  });

  it('gives the percentiles of the union of both shards\' samples, not an average of percentiles', () => {
    // Every connect time of both shards is in their samples (--samples above the requests).
    expect(shard0.samples.connect_ms).toHaveLength(shard0.connected);
    const union = histogramOf([...shard0.samples.connect_ms, ...shard1.samples.connect_ms].map((ms) => Math.round(ms * 1000)));
    const m = toMeasurement([shard0, shard1]);
    expect(mergeLoadSummaries([shard0, shard1]).histograms.connect).toEqual(union);
    for (const [metric, p] of [['connect_p50_ms', 50], ['connect_p90_ms', 90], ['connect_p99_ms', 99]] as const) {
      expect(m.metrics[metric]).toBe(percentileMs(union, p));
    }
    expect(m.metrics.connect_max_ms).toBe(Math.max(shard0.connect_ms.max, shard1.connect_ms.max));
  });

  it('keeps each shard\'s saturation visible', () => {
    const saturated = { ...shard1, saturated: true, saturation_reasons: ['generator CPU at 95% of 2 cores'], dropped: 3 };
    const m = toMeasurement([shard0, saturated]);
    expect(m.generator.saturated).toBe(true);
    expect(m.generator.droppedIterations).toBe(shard0.dropped + 3);
    expect(m.generator.shards[1]).toMatchObject({ index: 1, saturated: true, saturationReasons: ['generator CPU at 95% of 2 cores'] });
    expect(m.generator.shards[0]?.saturated).toBe(false);
  });

  it('refuses what is not one load', () => {
    expect(() => mergeLoadSummaries([])).toThrow(/no load summary/);
    expect(() => mergeLoadSummaries([shard0])).toThrow(/one of 2, but 1 summaries/);
    expect(mergeLoadSummaries([shard0], { allShards: false }).requests).toBe(shard0.requests);
    expect(() => mergeLoadSummaries([shard0, shard0])).toThrow(/appears twice/);
    expect(() => mergeLoadSummaries([shard0, { ...shard1, config: { ...shard1.config, target: 'http://10.0.0.9:80/' } }])).toThrow(/different loads/);
    expect(() => mergeLoadSummaries([shard0, { ...shard1, shard: { ...shard1.shard, start_at_unix_ms: 1 } }])).toThrow(/start barriers/);
  });
});

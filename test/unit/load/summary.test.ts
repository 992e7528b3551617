import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MeasurementSchema } from '../../../harness/results/raw.js';
import { capSamples, loadMetricNames, parseLoadSummary, toMeasurement } from '../../../harness/load/summary.js';

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
    expect(Object.keys(m.metrics).sort()).toEqual([...loadMetricNames].sort());
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
    expect(m.generator.saturated).toBe(false);
    expect(m.generator.droppedIterations).toBe(0);
    expect(m.generator.cpuPercent).toBeCloseTo(summary.cpu.cores_used * 100, 5);
  });

  it('fits the raw results contract', () => {
    const m = toMeasurement(parseLoadSummary(fixture('rate-summary.json')));
    const record = { type: 'measurement', workload: 'net-backlog', variant: 'tuned', repetition: 0, warmup: false, kind: 'load', ...m };
    expect(MeasurementSchema.safeParse(record).success).toBe(true);
  });

  it('has an error rate of 0, not NaN, when nothing was attempted', () => {
    const summary = parseLoadSummary(fixture('rate-summary.json'));
    const empty = { ...summary, requests: 0, completed: 0, errors: 0 };
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

import { describe, expect, it } from 'vitest';
import { keepaliveMode } from '../../../../harness/load/modes/keepalive.js';
import { latencyMetrics } from '../../../../harness/load/metrics.js';
import { limits, target } from './helpers.js';

describe('keepalive mode', () => {
  it('takes connections and a duration, and an optional rate', () => {
    expect(keepaliveMode.fields.safeParse({ mode: 'keepalive', connections: 8, duration: '30s' }).success).toBe(true);
    expect(keepaliveMode.fields.safeParse({ mode: 'keepalive', connections: 8, duration: '30s', rate: 200 }).success).toBe(true);
    expect(keepaliveMode.fields.safeParse({ mode: 'keepalive', duration: '30s' }).success).toBe(false);
  });

  it('scales the connections, the duration and the rate', () => {
    expect(keepaliveMode.toSpec({ mode: 'keepalive', connections: 50, duration: '30s' }, target, 0.1)).toEqual({ mode: 'keepalive', target, connections: 5, durationMs: 3_000 });
    expect(keepaliveMode.toSpec({ mode: 'keepalive', connections: 4, duration: '30s', rate: 400 }, target, 0.1))
      .toEqual({ mode: 'keepalive', target, connections: 1, durationMs: 3_000, rate: 40 });
  });

  it('is a closed model without a rate and an open one with it', () => {
    const closed = { mode: 'keepalive' as const, target, connections: 8, durationMs: 5_000 };
    const open = { ...closed, rate: 100 };
    expect(keepaliveMode.openModel(closed)).toBe(false);
    expect(keepaliveMode.openModel(open)).toBe(true);
    expect(keepaliveMode.metrics(false)).not.toContain('latency_p99_ms');
    expect(keepaliveMode.metrics(true)).toEqual(expect.arrayContaining([...latencyMetrics, 'reconnects']));
    expect(keepaliveMode.args(open)).toEqual(['--connections', '8', '--duration', '5000ms', '--rate', '100']);
  });

  it('bounds the connections per generator and an open model\'s arrivals', () => {
    expect(() => keepaliveMode.check({ mode: 'keepalive', target, connections: 5001, durationMs: 5_000 }, limits, 1)).toThrow(/connections/);
    expect(() => keepaliveMode.check({ mode: 'keepalive', target, connections: 5001, durationMs: 5_000 }, limits, 2)).not.toThrow();
    expect(() => keepaliveMode.check({ mode: 'keepalive', target, connections: 8, durationMs: 111_000 }, limits, 1)).toThrow(/exceeds maxDurationMs/);
    expect(() => keepaliveMode.check({ mode: 'keepalive', target, connections: 8, durationMs: 60_000, rate: 2_000 }, limits, 1)).toThrow(/exceeds maxRequests/);
  });
});

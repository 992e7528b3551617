import { describe, expect, it } from 'vitest';
import { rateMode } from '../../../../harness/load/modes/rate.js';
import { latencyMetrics } from '../../../../harness/load/metrics.js';
import { limits, target } from './helpers.js';

describe('rate mode', () => {
  it('takes a rate and a duration', () => {
    expect(rateMode.fields.safeParse({ mode: 'rate', rate: 200, duration: '10s' }).success).toBe(true);
    expect(rateMode.fields.safeParse({ mode: 'rate', duration: '10s' }).success).toBe(false);
    expect(rateMode.fields.safeParse({ mode: 'rate', rate: 0, duration: '10s' }).success).toBe(false);
    expect(rateMode.fields.safeParse({ mode: 'rate', rate: 10, duration: '10 s' }).success).toBe(false);
    expect(rateMode.fields.safeParse({ mode: 'rate', rate: 10, duration: '1h' }).error?.issues[0]?.message).toMatch(/below 10m/);
  });

  it('scales rate and duration as the pipeline always did', () => {
    expect(rateMode.toSpec({ mode: 'rate', rate: 400, duration: '10s' }, target, 0.5)).toEqual({ mode: 'rate', target, rate: 200, durationMs: 5_000 });
    expect(rateMode.toSpec({ mode: 'rate', rate: 1, duration: '1s' }, target, 0.1)).toEqual({ mode: 'rate', target, rate: 1, durationMs: 2_000 });
  });

  it('bounds the run and each generator\'s arrivals', () => {
    expect(() => rateMode.check({ mode: 'rate', target, rate: 1000, durationMs: 115_000 }, limits, 1)).toThrow(/exceeds maxDurationMs/);
    expect(() => rateMode.check({ mode: 'rate', target, rate: 5000, durationMs: 30_000 }, limits, 1)).toThrow(/150000 requests exceeds maxRequests/);
    expect(() => rateMode.check({ mode: 'rate', target, rate: 5000, durationMs: 30_000 }, limits, 2)).not.toThrow();
    expect(() => rateMode.check({ mode: 'rate', target, rate: 200_000, durationMs: 1_000 }, limits, 1)).toThrow(/rate must be/);
  });

  it('is an open model with latency from the scheduled time', () => {
    expect(rateMode.args({ mode: 'rate', target, rate: 200, durationMs: 30_000 })).toEqual(['--rate', '200', '--duration', '30000ms']);
    expect(rateMode.openModel()).toBe(true);
    expect(rateMode.metrics()).toEqual(expect.arrayContaining([...latencyMetrics, 'connect_p99_ms', 'dropped']));
  });
});

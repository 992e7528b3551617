import { describe, expect, it } from 'vitest';
import { rampArrivals, rampMode } from '../../../../harness/load/modes/ramp.js';
import { latencyMetrics } from '../../../../harness/load/metrics.js';
import { limits, target } from './helpers.js';

const stages = [{ durationMs: 10_000, target: 100 }, { durationMs: 5_000, target: 100 }, { durationMs: 10_000, target: 0 }];

describe('ramp mode', () => {
  it('takes stages of duration and target, and a start rate that defaults to 0', () => {
    const entry = rampMode.fields.parse({ mode: 'ramp', stages: [{ duration: '10s', target: 100 }, { duration: '5s', target: 0 }] });
    expect(entry).toEqual({ mode: 'ramp', startRate: 0, stages: [{ duration: '10s', target: 100 }, { duration: '5s', target: 0 }] });
    expect(rampMode.fields.safeParse({ mode: 'ramp', stages: [] }).success).toBe(false);
    expect(rampMode.fields.safeParse({ mode: 'ramp', stages: [{ duration: '10s', target: -1 }] }).success).toBe(false);
    expect(rampMode.fields.safeParse({ mode: 'ramp', stages: [{ duration: '10s', rate: 5 }] }).success).toBe(false);
    expect(rampMode.fields.safeParse({ mode: 'ramp', stages: [{ duration: '5m', target: 5 }, { duration: '5m', target: 0 }] }).success).toBe(false);
  });

  it('counts arrivals as loadgen does: the integral of the rate', () => {
    // 0 → 100/s over 10 s, 100/s for 5 s, 100 → 0 over 10 s: 500 + 500 + 500 (loadgen's schedule_test.go).
    expect(rampArrivals({ startRate: 0, stages })).toBe(1500);
    expect(rampArrivals({ startRate: 50, stages: [{ durationMs: 2000, target: 50 }, { durationMs: 3000, target: 0 }, { durationMs: 1000, target: 0 }, { durationMs: 1000, target: 20 }] })).toBe(185);
    expect(rampArrivals({ startRate: 0, stages: [{ durationMs: 1000, target: 0 }] })).toBe(0);
  });

  it('scales rates and durations, keeping a stage with arrivals at 1/s or more', () => {
    const spec = rampMode.toSpec({ mode: 'ramp', startRate: 0, stages: [{ duration: '10s', target: 100 }, { duration: '1s', target: 0 }, { duration: '2s', target: 3 }] }, target, 0.2);
    expect(spec).toEqual({ mode: 'ramp', target, startRate: 0, stages: [{ durationMs: 2_000, target: 20 }, { durationMs: 500, target: 0 }, { durationMs: 500, target: 1 }] });
  });

  it('bounds the whole ramp and each generator\'s arrivals', () => {
    expect(() => rampMode.check({ mode: 'ramp', target, startRate: 0, stages }, limits, 1)).not.toThrow();
    expect(() => rampMode.check({ mode: 'ramp', target, startRate: 0, stages: [{ durationMs: 115_000, target: 10 }] }, limits, 1)).toThrow(/exceeds maxDurationMs/);
    const heavy = { mode: 'ramp' as const, target, startRate: 10_000, stages: [{ durationMs: 15_000, target: 10_000 }] };
    expect(() => rampMode.check(heavy, limits, 1)).toThrow(/exceeds maxRequests/);
    expect(() => rampMode.check(heavy, limits, 2)).not.toThrow();
    expect(() => rampMode.check({ mode: 'ramp', target, startRate: 0, stages: [{ durationMs: 1000, target: 0 }] }, limits, 1)).toThrow(/rate is 0/);
  });

  it('passes the stages to loadgen and measures latency from the schedule', () => {
    expect(rampMode.args({ mode: 'ramp', target, startRate: 5, stages })).toEqual(['--start-rate', '5', '--stages', '10000ms:100,5000ms:100,10000ms:0']);
    expect(rampMode.loadMs({ mode: 'ramp', target, startRate: 5, stages })).toBe(25_000);
    expect(rampMode.openModel()).toBe(true);
    expect(rampMode.metrics()).toEqual(expect.arrayContaining([...latencyMetrics]));
  });
});

import { describe, expect, it } from 'vitest';
import { burstMode } from '../../../../harness/load/modes/burst.js';
import { commonLoadMetrics, latencyMetrics } from '../../../../harness/load/metrics.js';
import { limits, target } from './helpers.js';

describe('burst mode', () => {
  it('takes connections and the duration bound from a scenario', () => {
    expect(burstMode.fields.parse({ mode: 'burst', connections: 1500, duration: '30s' })).toEqual({ mode: 'burst', connections: 1500, duration: '30s' });
    expect(burstMode.fields.safeParse({ mode: 'burst', duration: '30s' }).success).toBe(false);
    expect(burstMode.fields.safeParse({ mode: 'burst', connections: 10, duration: '30s', rate: 5 }).success).toBe(false);
  });

  it('scales the connections for reduced-size runs, never below 10', () => {
    expect(burstMode.toSpec({ mode: 'burst', connections: 1500, duration: '30s' }, target, 0.2)).toEqual({ mode: 'burst', target, connections: 300 });
    expect(burstMode.toSpec({ mode: 'burst', connections: 20, duration: '30s' }, target, 0.1).connections).toBe(10);
  });

  it('bounds each generator\'s share by --max-concurrency and --max-requests', () => {
    expect(() => burstMode.check({ mode: 'burst', target, connections: 5001 }, limits, 1)).toThrow(/\[1, 5000\]/);
    expect(() => burstMode.check({ mode: 'burst', target, connections: 10_001 }, limits, 2)).toThrow(/per load generator \(got 5001\)/);
    expect(() => burstMode.check({ mode: 'burst', target, connections: 10_000 }, limits, 2)).not.toThrow();
  });

  it('is a closed burst: no schedule, so no latency from one', () => {
    const spec = { mode: 'burst' as const, target, connections: 10 };
    expect(burstMode.args(spec)).toEqual(['--connections', '10']);
    expect(burstMode.openModel()).toBe(false);
    expect(burstMode.loadMs()).toBe(0);
    expect(burstMode.metrics()).toEqual(commonLoadMetrics);
    expect(burstMode.metrics()).not.toContain(latencyMetrics[0]);
  });
});

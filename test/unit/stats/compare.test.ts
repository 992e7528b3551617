import { describe, expect, it } from 'vitest';
import { compareSamples } from '../../../harness/stats/compare.js';
import { isWorse, metricDirection, metricInfo } from '../../../harness/stats/direction.js';

describe('metric directions', () => {
  it('knows latencies and errors are lower-is-better and throughput higher-is-better', () => {
    expect(metricDirection('connect_p99_ms')).toBe('lower-is-better');
    expect(metricDirection('http_req_p99_ms')).toBe('lower-is-better');
    expect(metricDirection('errors')).toBe('lower-is-better');
    expect(metricDirection('error_rate')).toBe('lower-is-better');
    expect(metricDirection('einval')).toBe('lower-is-better');
    expect(metricDirection('rps')).toBe('higher-is-better');
    expect(metricDirection('msg_ops_per_s')).toBe('higher-is-better');
    expect(metricDirection('shm_attach_ms')).toBe('lower-is-better');
    expect(metricDirection('msg_16384_errors')).toBe('lower-is-better');
    expect(metricDirection('sem_1000_e2big')).toBe('lower-is-better');
    expect(metricDirection('sem_sets_refused')).toBe('lower-is-better');
    expect(metricDirection('msg_16384_ops_per_s')).toBe('higher-is-better');
    expect(metricDirection('msg_16384_queue_messages')).toBe('neutral');
    expect(metricDirection('weird_thing')).toBe('neutral');
    expect(metricInfo('connect_p99_ms').unit).toBe('ms');
  });

  it('says which value is worse', () => {
    expect(isWorse('lower-is-better', 900, 800)).toBe(true);
    expect(isWorse('higher-is-better', 900, 800)).toBe(false);
    expect(isWorse('neutral', 1, 2)).toBe(false);
  });
});

describe('compareSamples verdicts', () => {
  const slow = [2031, 1984, 2110, 2050, 1990];
  const fast = [861, 790, 830, 805, 842];

  it('calls a lower latency an improvement', () => {
    const result = compareSamples(slow, fast, 'lower-is-better');
    expect(result.verdict).toBe('improved');
    expect(result.pValue).toBeCloseTo(0.0122, 3);
    expect(result.effect.cliffsDelta).toBe(-1);
    expect(result.changePercent).toBeCloseTo(((830 - 2031) / 2031) * 100, 9);
    expect(result.baseline.median).toBe(2031);
    expect(result.tuned.median).toBe(830);
  });

  it('calls a lower throughput a regression', () => {
    expect(compareSamples(slow, fast, 'higher-is-better').verdict).toBe('regressed');
  });

  it('finds no detectable change in overlapping samples', () => {
    const result = compareSamples([10, 12, 11, 13, 9], [11, 10, 12, 9, 13], 'lower-is-better');
    expect(result.verdict).toBe('no-detectable-change');
    expect(result.reason).toMatch(/not below 0.05/);
  });

  it('needs enough data: two against two can never reach p < 0.05', () => {
    expect(compareSamples([100, 101], [1, 2], 'lower-is-better').verdict).toBe('no-detectable-change');
  });

  it('never calls a neutral metric improved', () => {
    expect(compareSamples(slow, fast, 'neutral').verdict).toBe('no-detectable-change');
  });

  it('reports a null change percent when the baseline median is zero', () => {
    expect(compareSamples([0, 0, 0], [0, 0, 0], 'lower-is-better').changePercent).toBeNull();
  });

  it('is reproducible', () => {
    expect(compareSamples(slow, fast, 'lower-is-better')).toEqual(compareSamples(slow, fast, 'lower-is-better'));
  });
});

import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import {
  formatDifferenceInterval, formatDuration, formatMetricDifference, formatMetricInterval, formatMetricValue, formatNumber, formatPercent,
} from '../../../harness/results/format.js';
import { RawRecordSchema } from '../../../harness/results/raw.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import { metricInfo } from '../../../harness/stats/direction.js';

describe('durations', () => {
  it.each([
    [850.4, '850 ms'], [999.6, '999 ms'], [1_500, '1.5 s'], [59_960, '59.9 s'], [60_000, '1 min'], [96_400, '1 min 36 s'],
    [119_600, '1 min 59 s'], [3_725_000, '1 h 2 min'], [7_199_600, '1 h 59 min'],
  ])('formatDuration(%d) is %j (a unit never reaches its next one: no "1 min 60 s")', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('numbers and units', () => {
  it('writes negative numbers and changes with U+2212, never a hyphen', () => {
    expect(formatNumber(-1158.2)).toBe('−1158');
    expect(formatNumber(-0.00001)).toBe('0');
    expect(formatPercent(-57.3)).toBe('−57%');
    expect(formatMetricDifference(-1158, 'ms')).toBe('−1158 ms');
    expect(formatMetricDifference(12, 'ms')).toBe('+12 ms');
  });

  it('gives a share the same unit in its value, interval, difference and threshold', () => {
    expect(formatMetricValue(0.6667, 'ratio')).toBe('66.67%');
    expect(formatMetricInterval(0.6607, 0.6707, 'ratio')).toBe('66.07 to 67.07%');
    expect(formatMetricDifference(-0.6667, 'ratio')).toBe('−66.67 pp');
    expect(formatDifferenceInterval(-0.67, -0.66, 'ratio')).toBe('−67 to −66 pp');
    expect(formatMetricValue(1500, 'count')).toBe('1500');
    expect(formatMetricInterval(812, 905, 'ms')).toBe('812 to 905 ms');
  });

  it('names every metric a load or IPC measurement records in words', () => {
    for (const metric of ['connect_p99_ms', 'waiting_p99_ms', 'latency_p99_ms', 'http_errors', 'reconnects', 'connect_ms', 'msg_16384_errors', 'sem_1000_ops_per_s', 'msg_einval']) {
      expect(metricInfo(metric).label, metric).not.toContain('_');
      expect(metricInfo(metric).label, metric).not.toBe(metric.replaceAll('_', ' '));
    }
    expect(metricInfo('sem_1000_ops_per_s')).toMatchObject({ unit: 'ops/s', direction: 'higher-is-better', label: 'Semaphore: operations per second, 1000 operations per call' });
  });
});

describe('results of older runs', () => {
  it('reads a run-started record written before the environment gained node image, runtime, cgroup and build, and says so on the page', () => {
    const started = RawRecordSchema.parse({
      type: 'run-started', runId: 'old', scenario: { name: 'x', file: 'x.yaml', definition: {} }, startedAt: '2024-11-25T02:00:00.000Z',
      environment: { kubernetesVersion: 'v1.34.0', kindVersion: 'v0.30.0', kernel: '6.1.0', machine: { cpus: 2, memory: '24 GiB', os: 'Debian' }, nodes: [] },
      loadGenerator: { name: 'lg', version: '1' },
    });
    const results = aggregate([started, { type: 'run-finished', finishedAt: '2024-11-25T02:10:00.000Z', status: 'completed' }], []);
    const page = renderHtml({ results, chartJs: '' });
    expect(page).toContain('On kind, the nodes share this machine');
    expect(page).toMatch(/<dt>Node image<\/dt><dd class="mono"><span class="muted">not recorded<\/span><\/dd>/);
  });
});

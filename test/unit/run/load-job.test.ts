import { describe, expect, it } from 'vitest';
import { loadgenArgs } from '../../../harness/load/args.js';
import { loadJobObject } from '../../../harness/load/job.js';
import { measureFromGenerators } from '../../../harness/measure/merge.js';
import { fakeSummary } from './fake-provider.js';

describe('the load Indexed Job', () => {
  const job = loadJobObject({
    name: 'loadgen-web-tuned-1', pods: 3, image: 'r:5000/sysctl-bench/loadgen:x', imagePullPolicy: 'IfNotPresent',
    args: loadgenArgs({ mode: 'burst', target: 'http://10.96.0.10:8080/', connections: 300, shard: { count: 3 }, startAtMs: 1_764_000_000_000 }), sysctls: { 'net.ipv4.ip_local_port_range': '1024 65535' },
    nodeSelector: { 'example.com/pool': 'load' }, labels: { 'sysctl-bench/workload': 'web' }, deadlineMs: 60_000,
  }, 'sysctl-bench-ab12');

  it('runs N pods at once, each its own index, never retried', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0 });
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
  });

  it('gives every pod the shard count and the one barrier time; client sysctls go in the pod security context', () => {
    const container = job.spec?.template.spec?.containers[0];
    const args = container?.args ?? [];
    expect(args.slice(args.indexOf('--shard-count'), args.indexOf('--shard-count') + 2)).toEqual(['--shard-count', '3']);
    expect(args.slice(args.indexOf('--start-at'), args.indexOf('--start-at') + 2)).toEqual(['--start-at', '1764000000000']);
    expect(job.spec?.template.spec?.securityContext?.sysctls).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]);
    expect(job.spec?.template.spec?.nodeSelector).toEqual({ 'example.com/pool': 'load' });
    expect(job.metadata?.namespace).toBe('sysctl-bench-ab12');
  });
});

describe('one measurement from several load generators', () => {
  it('adds counts exactly and takes percentiles from the merged histograms, not from an average of percentiles', () => {
    const fast = fakeSummary({ connects: [1, 2, 3, 4], errors: 0, shard: { index: 0, count: 2 } });
    const slow = fakeSummary({ connects: [100, 200, 300, 400], errors: 3, shard: { index: 1, count: 2 } });
    const merged = measureFromGenerators([{ name: 'pod 1', node: 'n1', summary: slow }, { name: 'pod 0', summary: fast }]);
    expect(merged.metrics).toMatchObject({ connected: 8, errors: 3, requests: 11 });
    // The 50th of 8 values is the 4th: 4 ms, where an average of the two medians would say about 101 ms.
    expect(merged.metrics.connect_p50_ms).toBeCloseTo(4, 0);
    expect(merged.metrics.connect_max_ms).toBeCloseTo(400, 0);
    expect(merged.generators.map((generator) => [generator.name, generator.node])).toEqual([['pod 0', undefined], ['pod 1', 'n1']]);
  });

  it("shows each generator's own saturation", () => {
    const merged = measureFromGenerators([
      { name: 'pod 0', summary: fakeSummary({ connects: [1], errors: 0, shard: { index: 0, count: 2 } }) },
      { name: 'pod 1', summary: fakeSummary({ connects: [1], errors: 0, shard: { index: 1, count: 2 }, saturated: true }) },
    ]);
    expect(merged.generators.map((generator) => generator.saturated)).toEqual([false, true]);
    expect(merged.generator.saturated).toBe(true);
  });

  it('refuses summaries that are not one load (a missing shard)', () => {
    expect(() => measureFromGenerators([{ name: 'pod 0', summary: fakeSummary({ connects: [1], errors: 0, shard: { index: 0, count: 3 } }) }, { name: 'pod 2', summary: fakeSummary({ connects: [1], errors: 0, shard: { index: 2, count: 3 } }) }]))
      .toThrow(/missing or extra/);
  });

  it('passes a single generator through', () => {
    const one = fakeSummary({ connects: [5, 6], errors: 1 });
    expect(measureFromGenerators([{ name: 'container', summary: one }]).metrics.connected).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { loadJobObject, shardArgs } from '../../../harness/load/job.js';
import { mergeLoadSummaries, quantile } from '../../../harness/measure/merge.js';
import { fakeSummary } from './fake-provider.js';

describe('the load Indexed Job', () => {
  const job = loadJobObject({
    name: 'loadgen-web-tuned-1', pods: 3, image: 'r:5000/sysctl-bench/loadgen:x', imagePullPolicy: 'IfNotPresent',
    args: ['--mode', 'burst', ...shardArgs(3, 1_764_000_000_000)], sysctls: { 'net.ipv4.ip_local_port_range': '1024 65535' },
    nodeSelector: { 'example.com/pool': 'load' }, labels: { 'sysctl-bench/workload': 'web' }, deadlineMs: 60_000,
  }, 'sysctl-bench-ab12');

  it('runs N pods at once, each its own index, never retried', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0 });
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
  });

  it('gives every pod the shard count and the one barrier time; client sysctls go in the pod security context', () => {
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual(['--mode', 'burst', '--shard-count', '3', '--start-at', '1764000000000']);
    expect(job.spec?.template.spec?.securityContext?.sysctls).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]);
    expect(job.spec?.template.spec?.nodeSelector).toEqual({ 'example.com/pool': 'load' });
    expect(job.metadata?.namespace).toBe('sysctl-bench-ab12');
  });
});

describe('merging the summaries of several load generators', () => {
  it('adds counts exactly and takes percentiles from all connect times together, not from an average of percentiles', () => {
    const fast = fakeSummary([1, 2, 3, 4], 0);
    const slow = fakeSummary([100, 200, 300, 400], 3);
    const merged = mergeLoadSummaries([{ name: 'pod 0', summary: fast }, { name: 'pod 1', node: 'n1', summary: slow }]);
    expect(merged.metrics).toMatchObject({ connected: 8, errors: 3, requests: 11, connect_max_ms: 400 });
    expect(merged.metrics.connect_p50_ms).toBe(quantile([1, 2, 3, 4, 100, 200, 300, 400], 0.5));
    expect(merged.metrics.connect_p50_ms).not.toBe((fast.connect_ms.p50 + slow.connect_ms.p50) / 2);
    expect(merged.generators.map((generator) => generator.name)).toEqual(['pod 0', 'pod 1']);
  });

  it("shows each generator's own saturation", () => {
    const saturated = { ...fakeSummary([1], 0), saturated: true, saturation_reasons: ['cpu 98%'] };
    const merged = mergeLoadSummaries([{ name: 'pod 0', summary: fakeSummary([1], 0) }, { name: 'pod 1', summary: saturated }]);
    expect(merged.generators.map((generator) => generator.saturated)).toEqual([false, true]);
    expect(merged.generator.saturated).toBe(true);
  });

  it('passes a single generator through', () => {
    const one = fakeSummary([5, 6], 1);
    expect(mergeLoadSummaries([{ name: 'container', summary: one }]).metrics.connect_p99_ms).toBe(one.connect_ms.p99);
  });
});
